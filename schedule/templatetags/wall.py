"""The kiosk's repeated shapes, drawn in Python (schedule/wall/markup.py): an
icon, a text in each language a display shows, each with its `lang` (kanji in
Japanese glyph forms), and the items the wall repeats per block and per chore.

They are small and everywhere (a panel draws some 80 icons, and a card per
block in three places), so a tag that returns the HTML keeps the template
short to read and quick to render.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

from schedule.wall import markup
from schedule.wall.view_model import Text

register = template.Library()


@register.simple_tag
def icon(name: str) -> SafeString:
    """A bundled icon, drawn from the page's inline sprite (icons.inline_sprite)."""
    return mark_safe(markup.icon(name))


@register.simple_tag
def bilingual(
    texts: Iterable[Text], first: str = "main-text", rest: str = "sub-text"
) -> SafeString:
    """The first language large (class `first`), the other under it (class `rest`)."""
    return mark_safe(markup.bilingual(texts, first, rest))


@register.simple_tag
def spans(texts: Iterable[Text], css: str = "") -> SafeString:
    """Each text in a span of its language, side by side."""
    return mark_safe(markup.spans(texts, css))


# The items the wall repeats per block and per chore: {% heroes wall %} and so on.
for _item in (
    markup.heroes,
    markup.next_items,
    markup.timeline_blocks,
    markup.chore_items,
    markup.tomorrow_items,
):
    register.simple_tag(_item, name=_item.__name__)
