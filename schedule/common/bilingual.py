"""Hibi's one rule for a text kept in two languages: the language asked for,
else the other one. Pure (the planner uses it too)."""


def pick(ja: str, en: str, lang: str) -> str:
    first, second = (en, ja) if lang == "en" else (ja, en)
    return first or second
