"""Readings for kanji titles: proposed in a helper process, kept when a parent typed one."""

import logging

import pytest

from schedule import readings


def test_only_titles_with_kanji_need_a_reading():
    assert readings.has_kanji("保育園・学校")
    assert not readings.has_kanji("おやつ・あそび")
    assert not readings.has_kanji("Roomba ルンバ")


@pytest.mark.slow  # loads pykakasi's dictionaries in a process of its own
def test_a_reading_is_proposed_in_hiragana_by_a_helper_process():
    import sys

    assert readings.propose(["保育園・学校", "ルンバ", "植物に水やり"]) == [
        "ほいくえん・がっこう",
        "",
        "しょくぶつにみずやり",
    ]
    assert "pykakasi" not in sys.modules  # the server's own process never loads it


@pytest.mark.slow  # starts the helper process
def test_a_helper_that_fails_proposes_nothing_and_the_log_says_so(monkeypatch, caplog):
    monkeypatch.setattr(readings.sys, "executable", "/bin/false")
    with caplog.at_level(logging.WARNING, logger="schedule.readings"):
        assert readings.propose(["保育園"]) == [""]
    assert "No readings proposed" in caplog.text


class FakeForm:
    def __init__(self, title, reading=""):
        self.cleaned_data = {"title_ja": title, "title_reading": reading}
        self.instance = type("Row", (), {"title_reading": reading})()


def test_only_the_missing_readings_are_asked_for_in_one_go(monkeypatch):
    asked = []

    def propose(titles):
        asked.append(list(titles))
        return ["よみ"] * len(titles)

    monkeypatch.setattr(readings, "propose", propose)
    typed, missing, kana = FakeForm("お風呂", "おふろ"), FakeForm("夜ごはん"), FakeForm("おやつ")
    readings.fill_missing([typed, missing, kana])
    assert asked == [["夜ごはん"]]
    assert missing.cleaned_data["title_reading"] == missing.instance.title_reading == "よみ"
    assert typed.cleaned_data["title_reading"] == "おふろ"
    assert kana.cleaned_data["title_reading"] == ""
