"""Readings of Japanese titles for children who read kana, not kanji (保育園 → ほいくえん).

A parent may type a reading for each Japanese title; when one is left empty
the admin proposes one, made by pykakasi from the kanji, and the parent
corrects it where it reads wrong. pykakasi's dictionaries take ~110 MB and
~0.7 s of CPU to load, more than the whole server should hold for a job a
parent does a few times a month, so each proposal runs in a short-lived
process of its own (`python -m schedule.readings`), titles in, readings out,
as JSON lines.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROPOSAL_TIMEOUT = 20  # seconds: loading the dictionaries on a slow Pi


def has_kanji(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" for ch in text)


def propose(titles: Sequence[str]) -> list[str]:
    """A hiragana reading for each title that has kanji ("" for the others, or if
    the proposal could not be made: the title then simply shows without one)."""
    wanted = [title for title in titles if has_kanji(title)]
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


def fill_missing(forms: Sequence[Any]) -> None:
    """Propose a reading for each form's Japanese title that has kanji and none yet,
    in one helper process for the whole page."""
    waiting = [
        form
        for form in forms
        if getattr(form, "cleaned_data", None)
        and not form.cleaned_data.get("title_reading")
        and has_kanji(form.cleaned_data.get("title_ja") or "")
    ]
    if not waiting:
        return
    for form, reading in zip(
        waiting, propose([form.cleaned_data["title_ja"] for form in waiting]), strict=True
    ):
        if reading:
            form.cleaned_data["title_reading"] = reading
            form.instance.title_reading = reading


def _read(titles: list[str]) -> list[str]:
    import pykakasi  # only in the helper process: see the module's docstring

    kakasi = pykakasi.kakasi()
    return ["".join(part["hira"] for part in kakasi.convert(title)) for title in titles]


if __name__ == "__main__":
    lines = [json.loads(line) for line in sys.stdin.read().splitlines() if line.strip()]
    for reading in _read(lines):
        print(json.dumps(reading, ensure_ascii=False))
