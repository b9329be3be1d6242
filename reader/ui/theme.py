"""Colour themes and typography settings for the reading view."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    page: str  # reading column background
    text: str
    muted: str  # byline, dates, captions
    link: str
    chrome: str  # window panes around the column
    selection: str
    entity: dict[str, str]  # OntoNotes label group -> pale background


_LIGHT_ENTITIES = {
    "PERSON": "#fde2c8",
    "ORG": "#d6e6fb",
    "PLACE": "#d5f0d8",
    "GROUP": "#eddcf7",
    "TIME": "#f6efc0",
    "WORK": "#f9d7e0",
    "NUMBER": "#e6e6e6",
}

THEMES: dict[str, Theme] = {
    "light": Theme(
        name="light",
        page="#ffffff",
        text="#1f1f1f",
        muted="#6b6b6b",
        link="#1a5fb4",
        chrome="#f3f3f1",
        selection="#b3d4fc",
        entity=_LIGHT_ENTITIES,
    ),
    "sepia": Theme(
        name="sepia",
        page="#f6efdf",
        text="#3b2f20",
        muted="#7a6a55",
        link="#8a4b08",
        chrome="#ece3cf",
        selection="#e3cfa4",
        entity={
            "PERSON": "#f3d3b0",
            "ORG": "#d9dfe6",
            "PLACE": "#d9e5c4",
            "GROUP": "#e6d6e6",
            "TIME": "#efe1a9",
            "WORK": "#efcfcf",
            "NUMBER": "#e2dac8",
        },
    ),
    "dark": Theme(
        name="dark",
        page="#1e1f22",
        text="#d8d6d0",
        muted="#9a9891",
        link="#8ab4f8",
        chrome="#16171a",
        selection="#3d5a80",
        entity={
            "PERSON": "#5a3d24",
            "ORG": "#28405e",
            "PLACE": "#2c4a31",
            "GROUP": "#4a3358",
            "TIME": "#544a1e",
            "WORK": "#5a2e3a",
            "NUMBER": "#3a3a3a",
        },
    ),
}

# OntoNotes labels grouped into what a reader tells apart.
LABEL_GROUPS = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "NORP": "GROUP",
    "DATE": "TIME",
    "TIME": "TIME",
    "EVENT": "WORK",
    "WORK_OF_ART": "WORK",
    "PRODUCT": "WORK",
    "LAW": "WORK",
    "LANGUAGE": "GROUP",
    "MONEY": "NUMBER",
    "PERCENT": "NUMBER",
    "QUANTITY": "NUMBER",
    "CARDINAL": "NUMBER",
    "ORDINAL": "NUMBER",
}

GROUP_NAMES = {
    "PERSON": "People",
    "ORG": "Organisations",
    "PLACE": "Places",
    "GROUP": "Groups",
    "TIME": "Dates & times",
    "WORK": "Events, works, laws",
    "NUMBER": "Numbers",
}


@dataclass(frozen=True, slots=True)
class Typography:
    font_family: str = "serif"  # "serif", "sans", "mono" or an installed family name
    font_size_pt: float = 15.0
    line_height_pct: int = 160
    column_em: int = 34
    theme: str = "light"  # light, sepia, dark or system
