"""The kiosk's repeated shapes, drawn in Python: an icon, and a text in each
language a display shows, each with its `lang` (kanji in Japanese glyph forms).

They are small and everywhere (a panel draws some 80 of them), so a tag that
returns the HTML keeps the template short to read and quick to render.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ..icons import SPRITE_ID_PREFIX
from ..wall.view_model import Text

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
