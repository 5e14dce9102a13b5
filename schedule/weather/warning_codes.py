"""JMA's warning codes: what each means, in the family's words and a picture.

UNVERIFIED. JMA's warnings document (bosai/warning/data/warning/<office>.json)
gives each warning as a bare code ("05") and a status; the names below come
from third-party code that reads it (see /work/shared/jma/README.md, copied to
tests/fixtures/jma/README.md), not from a JMA document, and other snippets
disagree on some of them. JMA's 2026 reform of warnings may also have brought
new codes (a 2026 test fixture names code 29 レベル２土砂災害注意報). So a code
not in this table is never an error: it is shown as "JMA warning 29" with a
triangle, kept in force like any other, and a parent can still see it. Check
this table against JMA before relying on it for a rule; a parent's call-off
rule names codes from it (weather.models.CallOffRule).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The pictures (common/icons.py names) a warning is drawn with.
WIND, RAIN, SNOW, WAVE, THUNDER, OTHER = "wind", "rain", "snow", "wave", "storm", "warning"

# How serious, as JMA ranks them; the wall shows the most serious first.
ADVISORY, WARNING, SPECIAL = 1, 2, 3


@dataclass(frozen=True)
class Kind:
    name: str | Promise  # English; the Japanese is JMA's own name, in the catalogue
    reading: str  # the Japanese name in kana, for furigana
    picture: str
    level: int


# fmt: off
WARNING_CODES: dict[str, Kind] = {
    "02": Kind(_("Blizzard warning"), "ぼうふうせつけいほう", SNOW, WARNING),
    "03": Kind(_("Heavy rain warning"), "おおあめけいほう", RAIN, WARNING),
    "04": Kind(_("Flood warning"), "こうずいけいほう", RAIN, WARNING),
    "05": Kind(_("Storm warning"), "ぼうふうけいほう", WIND, WARNING),
    "06": Kind(_("Heavy snow warning"), "おおゆきけいほう", SNOW, WARNING),
    "07": Kind(_("High wave warning"), "はろうけいほう", WAVE, WARNING),
    "08": Kind(_("Storm surge warning"), "たかしおけいほう", WAVE, WARNING),
    "10": Kind(_("Heavy rain advisory"), "おおあめちゅういほう", RAIN, ADVISORY),
    "12": Kind(_("Heavy snow advisory"), "おおゆきちゅういほう", SNOW, ADVISORY),
    "13": Kind(_("Wind and snow advisory"), "ふうせつちゅういほう", SNOW, ADVISORY),
    "14": Kind(_("Thunderstorm advisory"), "かみなりちゅういほう", THUNDER, ADVISORY),
    "15": Kind(_("Strong wind advisory"), "きょうふうちゅういほう", WIND, ADVISORY),
    "16": Kind(_("High wave advisory"), "はろうちゅういほう", WAVE, ADVISORY),
    "17": Kind(_("Snowmelt advisory"), "ゆうせつちゅういほう", SNOW, ADVISORY),
    "18": Kind(_("Flood advisory"), "こうずいちゅういほう", RAIN, ADVISORY),
    "19": Kind(_("Storm surge advisory"), "たかしおちゅういほう", WAVE, ADVISORY),
    "20": Kind(_("Dense fog advisory"), "のうむちゅういほう", OTHER, ADVISORY),
    "21": Kind(_("Dry air advisory"), "かんそうちゅういほう", OTHER, ADVISORY),
    "22": Kind(_("Avalanche advisory"), "なだれちゅういほう", SNOW, ADVISORY),
    "23": Kind(_("Low temperature advisory"), "ていおんちゅういほう", OTHER, ADVISORY),
    "24": Kind(_("Frost advisory"), "しもちゅういほう", OTHER, ADVISORY),
    "25": Kind(_("Icing advisory"), "ちゃくひょうちゅういほう", OTHER, ADVISORY),
    "26": Kind(_("Snow accretion advisory"), "ちゃくせつちゅういほう", SNOW, ADVISORY),
    "32": Kind(_("Blizzard emergency warning"), "ぼうふうせつとくべつけいほう", SNOW, SPECIAL),
    "33": Kind(_("Heavy rain emergency warning"), "おおあめとくべつけいほう", RAIN, SPECIAL),
    "35": Kind(_("Storm emergency warning"), "ぼうふうとくべつけいほう", WIND, SPECIAL),
    "36": Kind(_("Heavy snow emergency warning"), "おおゆきとくべつけいほう", SNOW, SPECIAL),
}
# fmt: on

# A few words a child understands, by picture and level.
PLAIN = {
    (WIND, ADVISORY): pgettext_lazy("warning", "Strong wind"),
    (WIND, WARNING): pgettext_lazy("warning", "Very strong wind"),
    (RAIN, ADVISORY): pgettext_lazy("warning", "Heavy rain"),
    (RAIN, WARNING): pgettext_lazy("warning", "Very heavy rain"),
    (SNOW, ADVISORY): pgettext_lazy("warning", "Lots of snow"),
    (SNOW, WARNING): pgettext_lazy("warning", "Very heavy snow"),
    (WAVE, ADVISORY): pgettext_lazy("warning", "High waves"),
    (WAVE, WARNING): pgettext_lazy("warning", "Very high waves"),
    (THUNDER, ADVISORY): pgettext_lazy("warning", "Thunder"),
}
LEVEL_WORDS = {
    ADVISORY: pgettext_lazy("warning", "Take care"),
    WARNING: pgettext_lazy("warning", "Warning"),
    SPECIAL: pgettext_lazy("warning", "Danger: stay safe"),
}


def kind_of(code: str) -> Kind | None:
    return WARNING_CODES.get(code)


def unknown_name(code: str) -> str:
    return str(_("JMA warning %(code)s") % {"code": code})


def plain(picture: str, level: int) -> str:
    """The child's words for a warning: what is coming, how serious (never empty)."""
    words = PLAIN.get((picture, min(level, WARNING)))
    return str(words if words is not None else LEVEL_WORDS.get(level, LEVEL_WORDS[WARNING]))


def choices() -> list[tuple[str, str]]:
    """(code, name) for a rule's checkboxes, most serious first, then by code."""
    ranked = sorted(WARNING_CODES.items(), key=lambda item: (-item[1].level, item[0]))
    return [(code, f"{kind.name}") for code, kind in ranked]
