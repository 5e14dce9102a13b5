"""Readings of Japanese titles for children who read kana, not kanji (保育園 → ほいくえん).

A parent may type a reading for each Japanese title; when one is left empty,
or the title changes under a reading Hibi proposed, the admin proposes one
and the parent corrects it where it reads wrong (the row then remembers it
was typed by hand: `title_reading_by_hand`, and Hibi leaves it alone).

The proposal comes from SudachiPy with its core dictionary, a morphological
analyser that reads each word in context (着がえ → きがえ, where a reader of
single kanji says ちゃくがえ), then HOUSEHOLD_WORDS on top, for the few words a
family writes that a general dictionary reads otherwise (大掃除 → おおそうじ).
Measured on tests/test_readings.py's household words: pykakasi 111/117,
Sudachi's small dictionary 111/117, UniDic-lite 111/117, Sudachi's core
dictionary 114/117, and with the table 117/117.

The dictionary is ~190 MB on disk, memory-mapped; a job a parent does a few
times a month need not stay in the server's memory, so each proposal runs in
a short-lived process of its own (`python -m schedule.common.readings`),
titles in, readings out, as JSON lines. Katakana, Latin letters and digits
stay as they are written: only the kanji words are given kana.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROPOSAL_TIMEOUT = 20  # seconds: starting Python and mapping the dictionary on a slow Pi

# Words of a family's day that the dictionary reads another way; matched
# longest first inside a title, the rest of the title read by the dictionary.
HOUSEHOLD_WORDS = {
    "大掃除": "おおそうじ",  # だいそうじ in the dictionary: no family says it so
    "古布": "こふ",  # the wards' 古紙・古布 collection; ふるぎれ is the cloth itself
    "お祖母ちゃん": "おばあちゃん",
    "お祖父ちゃん": "おじいちゃん",
    "降園": "こうえん",
}
_HOUSEHOLD = re.compile("|".join(sorted(map(re.escape, HOUSEHOLD_WORDS), key=len, reverse=True)))


def has_kanji(text: str) -> bool:
    return any(
        "\u4e00" <= ch <= "\u9fff"
        or "\u3400" <= ch <= "\u4dbf"
        or "\U00020000" <= ch <= "\U0003ffff"
        or ch in "々〆"
        for ch in text
    )


def propose(titles: Sequence[str]) -> list[str]:
    """A reading for each title that has kanji ("" for the others, or if the
    proposal could not be made: the title then simply shows without one)."""
    wanted = sorted({title for title in titles if has_kanji(title)})
    if not wanted:
        return ["" for _title in titles]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "schedule.common.readings"],
            input="\n".join(json.dumps(title) for title in wanted),
            capture_output=True,
            text=True,
            timeout=PROPOSAL_TIMEOUT,
            check=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        found = [json.loads(line) for line in result.stdout.splitlines()]
        readings = dict(zip(wanted, found, strict=True))
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.warning("No readings proposed for %d titles: %s", len(wanted), exc)
        return ["" for _title in titles]
    return [readings.get(title, "") for title in titles]


def _needs_proposal(form: Any) -> bool:
    """Whether a form's reading should be (re)made by Hibi, and the row's
    by-hand mark brought up to date with what the parent did on this page.

    A reading the parent changed on the page is theirs (kept, marked by hand);
    an empty one is proposed; a title changed under a reading Hibi proposed is
    read again, since the old reading belongs to the old title.
    """
    data = getattr(form, "cleaned_data", None)
    if not data or "title_ja" not in data:
        return False
    instance = form.instance
    changed = set(getattr(form, "changed_data", ()))
    reading = data.get("title_reading") or ""
    if "title_reading" in changed and reading:
        instance.title_reading_by_hand = True
        return False
    if not reading:
        instance.title_reading_by_hand = False
        return has_kanji(data.get("title_ja") or "")
    return "title_ja" in changed and not getattr(instance, "title_reading_by_hand", False)


def fill_missing(forms: Sequence[Any]) -> None:
    """Propose a reading for each form whose Japanese title needs one (an empty
    reading, or a title changed under Hibi's own), in one helper process for
    the whole page."""
    waiting = [form for form in forms if _needs_proposal(form)]
    if not waiting:
        return
    titles = [form.cleaned_data.get("title_ja") or "" for form in waiting]
    for form, reading in zip(waiting, propose(titles), strict=True):
        if reading or not has_kanji(form.cleaned_data.get("title_ja") or ""):
            form.cleaned_data["title_reading"] = reading
            form.instance.title_reading = reading


def _hiragana(text: str) -> str:
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in text)


def _reader() -> Callable[[str], str]:
    from sudachipy import Dictionary, SplitMode  # only in the helper: see the docstring

    tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C, fields={"reading_form"})

    def word(surface: str) -> str:
        if not has_kanji(surface):
            return surface
        parts = []
        for morpheme in tokenizer.tokenize(surface):
            text = morpheme.surface()
            reading = _hiragana(morpheme.reading_form()) if has_kanji(text) else text
            if has_kanji(reading):  # a word the dictionary does not know: no guess
                raise LookupError(text)
            parts.append(reading)
        return "".join(parts)

    def read(title: str) -> str:
        out, at = [], 0
        try:
            for found in _HOUSEHOLD.finditer(title):
                out += [word(title[at : found.start()]), HOUSEHOLD_WORDS[found.group()]]
                at = found.end()
            out.append(word(title[at:]))
        except LookupError:
            return ""
        return "".join(out)

    return read


def _read(titles: list[str]) -> list[str]:
    read = _reader()
    return [read(title) for title in titles]


if __name__ == "__main__":
    lines = [json.loads(line) for line in sys.stdin.read().splitlines() if line.strip()]
    for reading in _read(lines):
        print(json.dumps(reading, ensure_ascii=False))
