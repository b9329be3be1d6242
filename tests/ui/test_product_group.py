"""Products and software are a group of their own in the legend, with a colour in every theme."""

from __future__ import annotations

from reader.ui.theme import GROUP_NAMES, GROUP_SINGULAR, THEMES, group_of


def test_products_have_their_own_colour_and_name_in_every_theme() -> None:
    assert group_of("PRODUCT") == "PRODUCT"
    assert GROUP_NAMES["PRODUCT"] == "Products & software"
    colours = {theme.entity["PRODUCT"] for theme in THEMES.values()}
    assert len(colours) == len(THEMES)
    for theme in THEMES.values():
        others = {c for g, c in theme.entity.items() if g != "PRODUCT"}
        assert theme.entity["PRODUCT"] not in others
    assert GROUP_SINGULAR["PRODUCT"] == "Product"
