"""The kiosk's smallest shapes: an icon, and a text in each language a display
shows, each with its `lang` (kanji in Japanese glyph forms, and English read as
English by a screen reader); and `{% drawn %}`, a block's card drawn once per value.

The small shapes are everywhere (a panel draws some 80 of them), too small for
a template of their own; everything bigger is HTML in templates/schedule/wall/.
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Iterable

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from schedule.common.icons import SPRITE_ID_PREFIX
from schedule.wall.texts import Text

register = template.Library()


# The three shapes below are pure functions of a few hashable values (a name, a
# tuple of frozen texts), asked for some 60 times a render: each is kept.


@register.simple_tag
@functools.lru_cache(maxsize=512)
def icon(name: str) -> SafeString:
    """A bundled icon, drawn from the page's inline sprite (icons.inline_sprite)."""
    return format_html(
        '<svg class="icon" aria-hidden="true"><use xlink:href="#{}{}"></use></svg>',
        SPRITE_ID_PREFIX,
        name,
    )


@register.simple_tag
@functools.lru_cache(maxsize=4096)
def bilingual(
    texts: Iterable[Text], first: str = "main-text", rest: str = "sub-text"
) -> SafeString:
    """The first language large (class `first`), the other under it (class `rest`)."""
    return format_html_join(
        "",
        '<span class="{}" lang="{}">{}</span>',
        ((first if index == 0 else rest, t.lang, t.html) for index, t in enumerate(texts)),
    )


@register.simple_tag
@functools.lru_cache(maxsize=4096)
def spans(texts: Iterable[Text], css: str = "") -> SafeString:
    """Each text in a span of its language, side by side."""
    if css:
        return format_html_join(
            "", '<span class="{}" lang="{}">{}</span>', ((css, t.lang, t.html) for t in texts)
        )
    return format_html_join("", '<span lang="{}">{}</span>', ((t.lang, t.html) for t in texts))


@register.simple_tag
def drawn(partial: str, items: Iterable[Hashable], **values: Hashable) -> SafeString:
    """Each of `items` (a day's block cards, its chores) drawn by
    templates/schedule/wall/cards.html#`partial`, given as `card` with `values`,
    one after the other; the same values are drawn once.

    A wall draws a card for every block of the day three times (the heroes the
    script steps through, the "then" list, the timeline), and at a new minute
    only the current block's card is a new value. Drawn afresh each time, the
    template spent twice as long as the rest of a changed poll on the demo
    family (bench/results/compare.txt). The cards are frozen values, so what
    is kept can never be out of date; a parent's edit makes new values.
    """
    if settings.DEBUG:
        return mark_safe("".join(_draw(partial, item, tuple(values.items())) for item in items))
    given = tuple(sorted(values.items()))
    return mark_safe("".join(_kept(partial, item, given) for item in items))


def _draw(partial: str, item: Hashable, values: tuple[tuple[str, Hashable], ...]) -> SafeString:
    page = get_template(f"schedule/wall/cards.html#{partial}")
    return mark_safe(page.render({"card": item, **dict(values)}))


# A day's blocks three times over, in each language mode a household's walls use.
_kept = functools.lru_cache(maxsize=2048)(_draw)
