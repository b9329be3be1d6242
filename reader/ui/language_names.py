"""Languages by their own names, for the reading view's details line."""

from __future__ import annotations

# Each language by its own name, as its readers would look for it.
LANGUAGE_NAMES = {
    "zh": "中文",
    "ja": "日本語",
    "ko": "한국어",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "pt": "Português",
    "it": "Italiano",
    "nl": "Nederlands",
    "ru": "Русский",
    "uk": "Українська",
    "pl": "Polski",
    "cs": "Čeština",
    "sv": "Svenska",
    "da": "Dansk",
    "nb": "Norsk",
    "fi": "Suomi",
    "tr": "Türkçe",
    "el": "Ελληνικά",
    "ar": "العربية",
    "he": "עברית",
    "hi": "हिन्दी",
    "id": "Bahasa Indonesia",
    "vi": "Tiếng Việt",
    "th": "ไทย",
}


def language_name(lang: str | None) -> str | None:
    """The article's language for its details line; None for English, the usual case."""
    if not lang:
        return None
    primary = lang.split("-")[0].lower()
    if primary == "en":
        return None
    return LANGUAGE_NAMES.get(primary, primary.upper())
