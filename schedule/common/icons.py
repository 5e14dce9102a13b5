"""The bundled household icons: our names, their pictures and labels.

The pictures are Tabler Icons (MIT, see static/icons/LICENSE), copied from the
npm package by `scripts/vendor_icons.py` into `static/icons/<name>.svg` (one
file per icon, for the admin's picker) and `static/icons/sprite.svg` (every
icon as a `<symbol>`, which the wall draws with `<use>` so that an icon takes
the colour of the text around it). Our names describe the family's day, not
the picture: "breakfast" may be a fried egg today and a bowl tomorrow, and the
rows that say "breakfast" need not change.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

# The wall's page carries the sprite inline with ids "i-<name>", so they can
# never clash with the page's own ids (#wall, #panel, #offline).
SPRITE_ID_PREFIX = "i-"

# our name: (Tabler icon it is drawn with, label for the picker)
ICONS: dict[str, tuple[str, str | Promise]] = {
    # The day's rhythm
    "sun": ("sun", _("Morning sun")),
    "sunrise": ("sunrise", _("Sunrise")),
    "sunset": ("sunset", _("Sunset")),
    "moon": ("moon", _("Night")),
    "bed": ("bed", _("Bed")),
    "nap": ("zzz", _("Nap")),
    "alarm": ("alarm", _("Alarm clock")),
    "clock": ("clock", _("Clock")),
    "hourglass": ("hourglass", _("Wait")),
    "calendar": ("calendar", _("Calendar")),
    # Meals and food
    "breakfast": ("egg-fried", _("Breakfast")),
    "lunch": ("bowl-chopsticks", _("Lunch")),
    "dinner": ("tools-kitchen-2", _("Dinner")),
    "snack": ("cookie", _("Snack")),
    "cooking": ("chef-hat", _("Cooking")),
    "coffee": ("coffee", _("Coffee")),
    "milk": ("milk", _("Milk")),
    "fruit": ("apple", _("Fruit")),
    "vegetables": ("carrot", _("Vegetables")),
    "cake": ("cake", _("Cake")),
    "baby-bottle": ("baby-bottle", _("Baby bottle")),
    # Getting ready, body care
    "toothbrush": ("dental", _("Brush teeth")),
    "bath": ("bath", _("Bath")),
    "clothes": ("shirt", _("Get dressed")),
    "medicine": ("pill", _("Medicine")),
    "doctor": ("stethoscope", _("Doctor")),
    "toilet": ("toilet-paper", _("Toilet")),
    "wash-face": ("droplets", _("Wash face")),
    # Work, school, learning
    "briefcase": ("briefcase", _("Work")),
    "school": ("school", _("School")),
    "backpack": ("backpack", _("Get ready to go")),
    "homework": ("pencil", _("Homework")),
    "book": ("book", _("Reading")),
    "music": ("music", _("Music")),
    "piano": ("piano", _("Piano")),
    "drawing": ("palette", _("Drawing")),
    # Play and outings
    "play": ("horse-toy", _("Play")),
    "blocks": ("lego", _("Building blocks")),
    "puzzle": ("puzzle", _("Puzzle")),
    "ball": ("ball-football", _("Ball games")),
    "park": ("trees", _("Park")),
    "swimming": ("swimming", _("Swimming")),
    "bike": ("bike", _("Bike")),
    "walk": ("walk", _("Walk")),
    "tv": ("device-tv", _("TV")),
    "games": ("device-gamepad-2", _("Video games")),
    "car": ("car", _("Car")),
    "bus": ("bus", _("Bus")),
    "train": ("train", _("Train")),
    "shopping": ("shopping-cart", _("Shopping")),
    "party": ("balloon", _("Party")),
    "gift": ("gift", _("Present")),
    # Housework and chores
    "tidy": ("box", _("Tidy up")),
    "robot-vacuum": ("vacuum-cleaner", _("Robot vacuum")),
    "cleaning": ("spray", _("Cleaning")),
    "laundry": ("wash-machine", _("Laundry")),
    "hang-laundry": ("hanger", _("Hang the laundry")),
    "trash-burnable": ("flame", _("Burnable trash")),
    "trash": ("trash", _("Non-burnable trash")),
    "recycle": ("recycle", _("Recycling")),
    "bottle": ("bottle", _("Cans and bottles")),
    "paper": ("package", _("Paper and cardboard")),
    "plant": ("plant", _("Water the plants")),
    "pet": ("paw", _("Pet")),
    # People and feelings
    "person": ("user", _("Person")),
    "child": ("mood-kid", _("Child")),
    "family": ("users-group", _("Family")),
    "heart": ("heart", _("Love")),
    "star": ("star", _("Star")),
    "home": ("home", _("Home")),
    # Weather, and the warnings that can close a school
    "cloud": ("cloud", _("Cloudy")),
    "rain": ("cloud-rain", _("Rain")),
    "snow": ("snowflake", _("Snow")),
    "storm": ("cloud-storm", _("Thunderstorm")),
    "wind": ("wind", _("Strong wind")),
    "wave": ("ripple", _("High waves")),
    "warning": ("alert-triangle", _("Warning")),
    "umbrella": ("umbrella", _("Umbrella")),
    # Dinner
    "soup": ("soup", _("Soup")),
    "fish": ("fish", _("Fish")),
    "meat": ("meat", _("Meat")),
    # What goes in a child's bag
    "gym-clothes": ("shirt-sport", _("Gym clothes")),
    "indoor-shoes": ("shoe", _("Indoor shoes")),
    "packed-lunch": ("paper-bag", _("Packed lunch")),
    # Days to count the sleeps to
    "trip": ("luggage", _("Trip")),
    "celebration": ("confetti", _("Celebration")),
    # The wall's own: the button that takes back a routine step ticked by mistake.
    "undo": ("arrow-back-up", _("Undo")),
}


# Each activity's colour, the same on every wall, every day and in the admin:
# for a child who cannot read, the colour is the first cue ("green is tidy-up
# time"). Neighbours of the family's day (tidy up, Roomba, bath, dinner;
# sleep and wake up) get colours far apart. A parent may set another colour
# for an icon once (IconColour) or for one block. Each is dark enough for a
# white picture on it (contrast >= 3:1).
_COLOURS = {
    "night": "#4f55b8",
    "morning": "#b06a12",
    "evening": "#b5532f",
    "time": "#5d6b80",
    "meal": "#c25a1c",
    "snack": "#a8467a",
    "care": "#1f7f9a",
    "bath": "#1c6fb0",
    "work": "#3558a8",
    "school": "#7647b0",
    "art": "#a33f8a",
    "play": "#c23a55",
    "outside": "#3b8046",
    "travel": "#556f8a",
    "tidy": "#2f8a4f",
    "robot": "#7a6a12",
    "laundry": "#2d7f7f",
    "trash": "#b5432f",
    "recycle": "#2f7d62",
    "people": "#6a5f8c",
}
ACTIVITY: dict[str, str] = {
    "sun": "morning", "sunrise": "morning", "sunset": "evening", "moon": "night",
    "bed": "night", "nap": "night", "alarm": "morning", "clock": "time",
    "hourglass": "time", "calendar": "time",
    "breakfast": "meal", "lunch": "meal", "dinner": "meal", "snack": "snack",
    "cooking": "meal", "coffee": "snack", "milk": "snack", "fruit": "snack",
    "vegetables": "meal", "cake": "snack", "baby-bottle": "snack",
    "toothbrush": "care", "bath": "bath", "clothes": "care", "medicine": "care",
    "doctor": "care", "toilet": "care", "wash-face": "care",
    "briefcase": "work", "school": "school", "backpack": "school", "homework": "school",
    "book": "school", "music": "art", "piano": "art", "drawing": "art",
    "play": "play", "blocks": "play", "puzzle": "play", "ball": "outside",
    "park": "outside", "swimming": "bath", "bike": "outside", "walk": "outside",
    "tv": "play", "games": "play", "car": "travel", "bus": "travel", "train": "travel",
    "shopping": "travel", "party": "play", "gift": "play",
    "tidy": "tidy", "robot-vacuum": "robot", "cleaning": "tidy", "laundry": "laundry",
    "hang-laundry": "laundry", "trash-burnable": "trash", "trash": "trash",
    "recycle": "recycle", "bottle": "recycle", "paper": "recycle", "plant": "outside",
    "pet": "outside",
    "person": "people", "child": "people", "family": "people", "heart": "play",
    "star": "people", "home": "people", "undo": "time",
    "cloud": "time", "rain": "bath", "snow": "night", "storm": "night", "wind": "travel",
    "wave": "bath", "warning": "trash", "umbrella": "bath",
    "soup": "meal", "fish": "meal", "meat": "meal",
    "gym-clothes": "school", "indoor-shoes": "school", "packed-lunch": "meal",
    "trip": "travel", "celebration": "play",
}  # fmt: skip


def activity_colour(icon: str) -> str:
    """The built-in colour of an icon's activity (any name: unknown ones share one)."""
    return _COLOURS[ACTIVITY.get(icon, "time")]


def icon_names() -> list[str]:
    """Every icon name the wall can draw, in the picker's order."""
    return list(ICONS)


def icon_choices() -> list[tuple[str, str | Promise]]:
    """(name, label) pairs for a form field; labels follow the active language."""
    return [(name, label) for name, (_source, label) in ICONS.items()]


def label(name: str) -> str:
    """The picker's label of an icon, in the active language (the name if unknown)."""
    found = ICONS.get(name)
    return str(found[1]) if found else name


def is_icon(name: str) -> bool:
    return name in ICONS


def validate_icon(value: str) -> None:
    """Field validator: blank, or one of the bundled icons."""
    if value and value not in ICONS:
        raise ValidationError(
            _("“%(name)s” is not one of the bundled icons."),
            params={"name": value},
            code="icon",
        )


@functools.cache
def inline_sprite() -> SafeString:
    """Every icon as a `<symbol>`, for the wall's page to carry once, outside the panel.

    The panel's icons then point at `#i-<name>` in the same page. Chromium 49-61
    (the Fire tablets' WebView) never fetch an external `sprite.svg#name` for
    `<use>` elements that htmx parsed in another document and moved into the
    page, so after every swap the wall would lose all its pictures; a reference
    into the page itself needs no fetch. Gzipped, the symbols cost what the
    separate sprite request cost, and the page draws its icons at first paint.
    """
    found = finders.find("icons/sprite.svg")
    if not isinstance(found, str):
        raise ImproperlyConfigured("static/icons/sprite.svg is missing (scripts/vendor_icons.py).")
    source = Path(found).read_text()
    symbols = re.findall(r"<symbol id=\"[a-z0-9-]+\".*?</symbol>", source, re.S)
    body = "".join(
        symbol.replace('<symbol id="', f'<symbol id="{SPRITE_ID_PREFIX}', 1) for symbol in symbols
    )
    return mark_safe(f'<svg class="sprite" aria-hidden="true" focusable="false">{body}</svg>')
