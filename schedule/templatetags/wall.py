"""The kiosk's smallest shapes: an icon, and a text in each language a display
shows, each with its `lang` (kanji in Japanese glyph forms, and English read as
English by a screen reader).

They are everywhere (a panel draws some 80 of them), too small for a template
of their own; everything bigger, the cards and lines the wall repeats per
block and per chore, is HTML in templates/schedule/wall/.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from schedule.common.icons import SPRITE_ID_PREFIX
from schedule.wall.texts import Text

register = template.Library()


@register.simple_tag
def icon(name: str) -> SafeString:
    """A bundled icon, drawn from the page's inline sprite (icons.inline_sprite)."""
    return format_html(
        '<svg class="icon" aria-hidden="true"><use xlink:href="#{}{}"></use></svg>',
        SPRITE_ID_PREFIX,
        name,
    )


@register.simple_tag
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
def spans(texts: Iterable[Text], css: str = "") -> SafeString:
    """Each text in a span of its language, side by side."""
    if css:
        return format_html_join(
            "", '<span class="{}" lang="{}">{}</span>', ((css, t.lang, t.html) for t in texts)
        )
    return format_html_join("", '<span lang="{}">{}</span>', ((t.lang, t.html) for t in texts))
