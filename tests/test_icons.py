"""The bundled icon set: every name the family's data uses can be drawn."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from schedule.common import icon_words, icons
from schedule.common.icons import icon_choices, icon_names, is_icon, validate_icon
from schedule.data import demo

ICONS = Path(settings.BASE_DIR) / "static" / "icons"


def demo_icon_names() -> set[str]:
    names = {icon for *_, icon in demo.MEMBERS}
    names |= {row[4] for row in demo.WEEKDAY_BLOCKS + demo.DAY_OFF_BLOCKS}
    names |= {row[2] for row in demo.CHORES}
    for _ja, _en, _reading, icon, steps in demo.ROUTINES.values():
        names |= {icon} | {step[3] for step in steps}
    names |= {row[3] for row in demo.REWARDS}
    return names | {"heart"}  # the demo note


def test_every_icon_the_demo_family_uses_is_bundled():
    assert demo_icon_names() - set(icon_names()) == set()


def test_the_set_offers_sixty_to_ninety_household_icons():
    # Every one is in the wall's page (the inline sprite): the set stays small.
    # Issue 29 added the weather, the warnings, dinners and the children's bags.
    assert 60 <= len(icon_names()) <= 90
    assert len(set(icon_names())) == len(icon_names())


def test_every_icon_has_a_file_and_a_symbol_in_the_sprite():
    sprite = (ICONS / "sprite.svg").read_text()
    symbols = set(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite))
    assert symbols == set(icon_names())
    for name in icon_names():
        assert (ICONS / f"{name}.svg").read_text().startswith("<svg ")


def test_the_licence_ships_with_the_icons():
    assert "MIT License" in (ICONS / "LICENSE").read_text()


def test_icon_names_fit_the_model_field_rule():
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]{0,47}", name) for name in icon_names())


def test_choices_pair_each_name_with_a_label():
    with translation.override("en"):
        choices = dict(icon_choices())
        assert str(choices["robot-vacuum"]) == "Robot vacuum"
    assert list(choices) == icon_names()


def test_validator_accepts_blank_and_bundled_names():
    validate_icon("")
    validate_icon("bath")
    assert is_icon("bath")


@pytest.mark.parametrize("name", ["nope", "Bath", "../bath", "bath.svg"])
def test_validator_refuses_names_outside_the_set(name):
    with pytest.raises(ValidationError):
        validate_icon(name)
    assert not is_icon(name)


@pytest.mark.parametrize(
    ("titles", "icon"),
    [
        (("歯みがき",), "toothbrush"),
        (("はみがき",), "toothbrush"),
        (("顔をあらう",), "wash-face"),
        (("着がえ",), "clothes"),
        (("パジャマにきがえる",), "clothes"),
        (("ランドセルのじゅんび",), "backpack"),
        (("お風呂そうじ",), "cleaning"),  # the more particular word first
        (("おふろ",), "bath"),
        (("", "Brush teeth"), "toothbrush"),
        (("", "Hairbrush"), None),  # an English word matches at a word's start only
        (("えをかく", "Drawing"), None),
        (("しゅくだい", ""), "homework"),
    ],
)
def test_a_title_calls_for_the_picture_a_child_knows(titles, icon):
    assert icon_words.icon_for(*titles) == icon


def test_every_picture_a_word_calls_for_is_bundled():
    assert [name for name, _words in icon_words.WORDS if not icons.is_icon(name)] == []
