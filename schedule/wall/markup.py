"""The wall's repeated items as HTML, drawn in Python: a card per block (the
hero a child reads, the "then" list, the timeline) and a line per chore.

The kiosk template keeps the page's shape and everything drawn once; what it
repeats per block or per chore is drawn here because Django's template engine
spent some 0.3 ms on each hero card: 5 ms of a demo family's 11 ms render,
and half a second on a wall showing 1,000 blocks three times over. These
functions write the same bytes the template loops wrote (tests/fixtures/walls
hold them), in a few microseconds per item.

Everything printed is escaped as the template's autoescaping did: `escape()`
for plain values, and a `Text.html` (already escaped, with its ruby) as it is.
Numbers are printed as `{% localize off %}` prints them, with `str()`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from html import escape

from django.utils.safestring import SafeString, mark_safe

from schedule.common.icons import SPRITE_ID_PREFIX
from schedule.wall.view_model import BlockCard, BlockFace, Chip, ChoreCard, Text, Wall


@functools.cache
def icon(name: str) -> str:
    """A bundled icon, drawn from the page's inline sprite (icons.inline_sprite)."""
    return (
        f'<svg class="icon" aria-hidden="true"><use xlink:href="#'
        f'{escape(SPRITE_ID_PREFIX)}{escape(name)}"></use></svg>'
    )


def bilingual(texts: Iterable[Text], first: str = "main-text", rest: str = "sub-text") -> str:
    """The first language large (class `first`), the other under it (class `rest`)."""
    return "".join(
        f'<span class="{first if index == 0 else rest}" lang="{escape(t.lang)}">{t.html}</span>'
        for index, t in enumerate(texts)
    )


def spans(texts: Iterable[Text], css: str = "") -> str:
    """Each text in a span of its language, side by side."""
    if css:
        css = escape(css)
        return "".join(
            f'<span class="{css}" lang="{escape(t.lang)}">{t.html}</span>' for t in texts
        )
    return "".join(f'<span lang="{escape(t.lang)}">{t.html}</span>' for t in texts)


@functools.lru_cache(maxsize=256)  # the family's people, on every card and chore
def chip(m: Chip, css: str) -> str:
    """A person's coloured name tag (`css`: "chip" on a card, "who" on a chore)."""
    return (
        f'<span class="{css}" style="background-color: {escape(m.colour)}; color: '
        f'{escape(m.ink)}">{icon(m.icon)}{spans(m.names)}</span>'
    )


def _flags(*pairs: tuple[bool, str]) -> str:
    return "".join(css for on, css in pairs if on)


def heroes(wall: Wall) -> SafeString:
    """A hero card for every block: the script shows the current ones, so the
    wall moves on at a block's end without asking the server."""
    lang = escape(wall.lang)
    everyone = wall.labels["everyone"]
    return mark_safe("".join(_hero(b, lang, everyone) for b in wall.blocks))


def _hero(b: BlockCard, lang: str, everyone: tuple[Text, ...]) -> str:
    """A hero card: what the moment changes (the disc, the time left, the hour
    dots, whether it is current) put between the pieces of its face."""
    face = b.face
    pieces = face.drawn.get("hero")
    if pieces is None:
        pieces = face.drawn["hero"] = _hero_pieces(face, lang, everyone)
    opening, disc, left, end = pieces
    classes = _flags((b.current, " is-current"), (face.free, " is-free"), (face.event, " is-event"))
    texts = "".join(
        f'<span class="js-left" lang="{escape(t.lang)}"\n          data-pattern="'
        f'{escape(t.pattern)}">{escape(t.text)}</span>'
        for t in b.left_texts
    )
    hours = ""
    if b.hours:
        dot = (
            '<span class="hour-dot js-hour"\n          style="background-color: '
            f'{escape(face.colour)}"></span>'
        )
        hours = f'<p class="hours">{dot * len(b.hour_dots)}</p>'
    return f"{opening}{classes}{disc}{b.pie}{left}{texts}</p>\n        {hours}{end}"


def _hero_pieces(face: BlockFace, lang: str, everyone: tuple[Text, ...]) -> tuple[str, ...]:
    """A hero card's face, cut where the moment's parts go."""
    colour = escape(face.colour)
    return (
        '\n  <article class="hero js-block js-hero',
        f'"\n    data-start="{face.start}" data-end="{face.end}" style="border-color: {colour}">\n'
        '    <div class="hero-timer">\n'
        '      <svg class="pie" viewBox="0 0 100 100" aria-hidden="true">\n'
        '        <circle class="pie-face" cx="50" cy="50" r="49"></circle>\n'
        f'        <circle class="pie-left js-pie" cx="50" cy="50" r="25" stroke="{colour}"\n'
        '          stroke-dasharray="',
        ' 157.08" transform="rotate(-90 50 50)"></circle>\n'
        '        <path class="pie-end" d="M50 1 L44 11 L56 11 Z"></path>\n'
        "      </svg>\n"
        "    </div>\n"
        '    <div class="hero-head">\n'
        f'      <div class="hero-icon" style="background-color: {colour}">{icon(face.icon)}</div>\n'
        f'      <h1 class="hero-title js-fit">{bilingual(face.titles)}</h1>\n'
        "    </div>\n"
        '    <div class="hero-text">\n'
        '      <div class="hero-left">\n'
        '        <p class="left">',
        "\n"
        f'        <p class="hero-time" lang="{lang}">{escape(face.start_label)} – '
        f"{escape(face.end_label)}</p>\n"
        "      </div>\n"
        f'      <div class="hero-who">\n        {_who(face, everyone)}\n      </div>\n'
        "    </div>\n"
        "  </article>\n  ",
    )


def _who(b: BlockFace, everyone: tuple[Text, ...]) -> str:
    """Whose block it is: each job with whose turn it is, else the people, else everyone."""
    if b.jobs:
        return "".join(
            f'<p class="job">{bilingual(j.titles, "job-title", "job-sub")}'
            + "".join(f"\n          {chip(m, 'chip')}" for m in j.chips)
            + "</p>\n        "
            for j in b.jobs
        )
    if b.chips:
        people = "".join(f"{chip(m, 'chip')}\n        " for m in b.chips)
    elif not b.free:
        people = f'<span class="chip chip-all">{icon("family")}{spans(everyone)}</span>\n        '
    else:
        people = "\n        "
    return f"\n        {people}\n        "


def next_items(wall: Wall) -> SafeString:
    """The "then" list: every block but free time; the script marks the next ones."""
    lang = escape(wall.lang)
    out = []
    for b in wall.blocks:
        face = b.face
        if face.free:
            continue
        pieces = face.drawn.get("next")
        if pieces is None:
            pieces = face.drawn["next"] = _next_pieces(face, lang)
        classes = _flags((b.upcoming, " is-next"), (b.then, " is-then"), (face.event, " is-event"))
        out.append(classes.join(pieces))
    return mark_safe("".join(out))


def _next_pieces(face: BlockFace, lang: str) -> tuple[str, ...]:
    """A "then" line's face, cut where its classes go."""
    colour = escape(face.colour)
    return (
        '\n    <li class="next-item js-next',
        f'"\n      data-start="{face.start}" style="border-color: {colour}">\n'
        f'      <span class="next-icon" style="background-color: {colour}">'
        f"{icon(face.icon)}</span>\n"
        f'      <span class="next-text"><span class="next-time" lang="{lang}">'
        f"{escape(face.start_label)}</span>\n"
        f'        <span class="next-title">{bilingual(face.titles)}</span></span>\n'
        "    </li>\n    ",
    )


def timeline_blocks(wall: Wall) -> SafeString:
    """The blocks on the day's line, placed in percent of its width and height."""
    out = []
    for b in wall.blocks:
        if not b.on_timeline:
            continue
        face = b.face
        pieces = face.drawn.get("timeline")
        if pieces is None:
            pieces = face.drawn["timeline"] = _timeline_pieces(face)
        opening, place, width, end = pieces
        classes = _flags(
            (b.past, " is-past"), (b.current, " is-current"), (face.event, " is-event")
        )
        out.append(f"{opening}{classes}{place}{b.left}{width}{b.width}{end}")
    return mark_safe("".join(out))


def _timeline_pieces(face: BlockFace) -> tuple[str, ...]:
    """A block on the line, cut where its classes and its place on the line go."""
    return (
        '\n    <div class="tl-block js-block js-tl',
        f'"\n      data-start="{face.start}" data-end="{face.end}"\n      style="left: ',
        "%; width: ",
        f"%; top: {face.top}%; "
        f'height: {face.height}%"><div class="tl-fill"\n'
        f'      style="background-color: {escape(face.colour)}">{icon(face.icon)}'
        "</div></div>\n    ",
    )


def chore_items(wall: Wall) -> SafeString:
    """Today's chores, each a button to tick on a display that may tick them."""
    if not wall.chores:
        return mark_safe(
            f'\n    <li class="chore-none">{spans(wall.labels["no_chores"])}</li>\n    '
        )
    return mark_safe(escape(wall.toggle_query).join(_chore_pieces(wall)))


def _chore_pieces(wall: Wall) -> tuple[str, ...]:
    """The chores' markup, cut where each tick address ends: the wall's query
    goes there, and the rest is the same from moment to moment."""
    missed = spans(wall.labels["missed"])
    not_saved = spans(wall.labels["not_saved"])
    pieces = [""]
    for c in wall.chores:
        drawn = c.drawn.get(wall.may_complete)
        if drawn is None:
            drawn = c.drawn[wall.may_complete] = _chore(c, wall, missed, not_saved)
        head, *tail = drawn
        pieces[-1] += head
        pieces.extend(tail)
    return tuple(pieces)


def _chore(c: ChoreCard, wall: Wall, missed: str, not_saved: str) -> tuple[str, ...]:
    """A chore's line; cut in two after its tick address, if it has one."""
    tappable = wall.may_complete and not c.cancelled
    classes = _flags((c.done, " is-done"), (c.cancelled, " is-cancelled"))
    due = f'\n      data-due="{c.missed_after}"' if c.missed_after and not c.cancelled else ""
    head = f'\n    <li class="chore js-chore js-tap{classes}"{due}>\n      '
    if tappable:
        done = "0" if c.done else "1"
        pressed = "true" if c.done else "false"
        head += f'<button type="button" class="chore-tap"\n        hx-post="{escape(c.toggle_url)}'
        opening = (
            f'" hx-vals=\'{{"done": "{done}"}}\' hx-target="#panel"\n'
            f'        hx-swap="outerHTML" aria-pressed="{pressed}">'
        )
        closing = "</button>"
        unsaved = f'<span class="unsaved">{not_saved}</span>'
    else:
        opening, closing, unsaved = '<div class="chore-tap">', "</div>", ""
    due_labels = "".join(
        f'<span class="chore-due" lang="{escape(t.lang or wall.lang)}">{escape(t.text)}</span>'
        for t in c.due_labels
    )
    chips = "".join(chip(m, "who") for m in c.chips)
    flags = f'<span class="chore-flag">{spans(c.flags)}</span>' if c.flags else ""
    rest = (
        f"{opening}\n"
        f'        <span class="chore-icon">{icon(c.icon)}</span>\n'
        '        <span class="chore-body">\n'
        f'          <span class="chore-title">{bilingual(c.titles)}</span>\n'
        f'          <span class="chore-meta">{due_labels}\n'
        f"            {chips}\n"
        f"            {flags}\n"
        f'            <span class="missed">{missed}</span></span>\n'
        f"          {unsaved}\n"
        "        </span>\n"
        '        <span class="check" aria-hidden="true"></span>\n'
        f"      {closing}\n"
        "    </li>\n    "
    )
    return (head, rest) if tappable else (head + rest,)


def tomorrow_items(wall: Wall) -> SafeString:
    """Tomorrow's chores: what to get ready this evening, when, and whose turn."""
    out: list[str] = []
    for c in wall.tomorrow:
        drawn = c.drawn.get("tomorrow")
        if drawn is None:
            drawn = c.drawn["tomorrow"] = (_tomorrow_item(c),)
        out.extend(drawn)
    return mark_safe("".join(out))


def _tomorrow_item(c: ChoreCard) -> str:
    """A line of the evening box."""
    when = f'<span class="tomorrow-when">{spans(c.when)}</span>' if c.when else ""
    chips = "".join(chip(m, "who") for m in c.chips)
    flags = f'<span class="chore-flag">{spans(c.flags)}</span>' if c.flags else ""
    return (
        f'\n    <li class="tomorrow-item"><span class="tomorrow-icon">{icon(c.icon)}</span>\n'
        f'      <span class="tomorrow-body"><span class="tomorrow-title">{bilingual(c.titles)}'
        "</span>\n"
        f'        <span class="tomorrow-meta">{when}\n'
        f"          {chips}\n"
        f"          {flags}</span></span></li>\n    "
    )
