"""The wall's smallest shapes (schedule/templatetags/wall.py) and the cards the
templates repeat: escaped, whatever a parent types.

That the wall is byte for byte what it was is tests/test_wall_output.py's
business (the frozen walls of the demo week)."""

from schedule.models import Block, Chore, Member
from schedule.templatetags import wall as tags
from tests.test_views import page_url

NASTY = '<b>"Tom & Jerry\'s"</b>'
ESCAPED = "&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot;&lt;/b&gt;"


def test_what_a_parent_types_is_printed_escaped_in_every_repeated_item(client, demo_display):
    Block.objects.filter(title_en="Dinner").update(title_ja=NASTY, title_en=NASTY)
    Chore.objects.filter(title_en__startswith="Roomba").update(title_ja=NASTY, title_en=NASTY)
    Member.objects.filter(name_en="Haru").update(name_ja=NASTY, name_en=NASTY)
    html = client.get(page_url(demo_display, "2026-11-24T16:55")).content.decode()
    assert NASTY not in html
    for section in ('class="now', 'class="next"', 'class="chores"'):
        assert ESCAPED in html.split(section)[1].split("</section>")[0], section


def test_an_icon_name_cannot_break_out_of_its_attribute():
    assert tags.icon('x"><script>') == (
        '<svg class="icon" aria-hidden="true"><use xlink:href="#i-x&quot;&gt;&lt;script&gt;">'
        "</use></svg>"
    )
