"""Nothing typed into an inline's pattern row is dropped (admin.PatternRowKept).

Every inline page holds a hidden pattern row, its fields named `__prefix__`,
that "add another" copies. A browser posts it with every save; what a parent
typed into it (issue 24: a page showed it) must be refused and kept, never
dropped while the page says "added". The pages are read from the admin's
registry, so an inline added later is covered too (tests/test_admin_inlines_browser.py
walks the same pages in chromium).
"""

import re
from datetime import datetime, time

import pytest
import time_machine
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse

from schedule.data.demo import load_demo_family
from schedule.models import Block, Plan, PlanOverride, Routine
from schedule.plans.admin import BlockInline
from tests.conftest import DEMO_DAY, TOKYO
from tests.test_fuzz import form_of

pytestmark = pytest.mark.django_db

REFUSED = "新しい行のもとになるひな形に入力されていたため、保存されていません"
ROW_KEPT = "まだ保存されていません。この行を確認して、もう一度保存してください。"


def a_parent():
    """A request by a signed-in parent, to ask the admin which inlines a page shows."""
    request = RequestFactory().get("/admin/")
    request.user = User(username="parent", is_active=True, is_staff=True, is_superuser=True)
    return request


def inline_pages() -> list[tuple[str, str]]:
    """(model label, "add" or "change") of every admin page that shows inlines."""
    request = a_parent()
    pages = []
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        model_admin = admin.site._registry[model]
        for kind, obj in (("add", None), ("change", model())):
            if model_admin.get_inlines(request, obj):
                pages.append((model._meta.label, kind))
    return pages


PAGES = inline_pages()
EACH_PAGE = pytest.mark.parametrize(
    ("label", "kind"), PAGES, ids=[f"{label}-{kind}" for label, kind in PAGES]
)


def add_event_plan() -> Plan:
    """A school event's plan with a free afternoon (the demo's plans fill every
    minute of the day, so a new block there would rightly be refused)."""
    event = Plan.objects.create(name_ja="運動会", name_en="Sports day", priority=10)
    PlanOverride.objects.create(plan=event, date=DEMO_DAY.replace(day=28))
    Block.objects.create(plan=event, start="08:00", end="12:00", title_ja="運動会", icon="park")
    return event


@pytest.fixture
def ja(db):
    """A parent signed in to the Japanese admin of the demo ja, on its holiday Monday."""
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO), tick=False):
        load_demo_family(DEMO_DAY)
        add_event_plan()
        client = Client(headers={"accept-language": "ja"})
        client.force_login(User.objects.create_superuser("parent", "p@example.com", None))
        yield client


def page_url(label: str, kind: str) -> str:
    """The page's address; a change page opens the model's newest row."""
    model = apps.get_model(label)
    meta = model._meta
    args = [model.objects.order_by("-pk").first().pk] if kind == "change" else []
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{kind}", args=args)


def page_form(response) -> dict[str, dict]:
    """The admin form of a page: each field's kind, values and options."""
    html = response.content.decode()
    form = re.search(r'<form [^>]*id="\w+_form".*?</form>', html, re.S)
    assert form, "no admin form on the page"
    return form_of(form.group(0))


def as_posted(fields: dict[str, dict]) -> dict[str, list[str]]:
    """The form as a browser sends it untouched, pattern rows and all."""
    posted = {}
    for name, field in fields.items():
        values = field["values"]
        if field["kind"] == "select" and not values:
            values = field["options"][:1]  # a select sends its first option
        if values:
            posted[name] = values
    return posted


def type_into_pattern(fields: dict[str, dict], posted: dict, prefix: str) -> tuple[str, str]:
    """Types into the first empty line of text of a pattern row, else picks
    another choice in its first list: (the field's name, what was typed)."""
    pattern = f"{prefix}-__prefix__-"
    mine = {name: field for name, field in fields.items() if name.startswith(pattern)}
    for name, field in mine.items():
        if field["kind"] == "text" and field["values"] == [""]:
            posted[name] = ["かけっこ"]
            return name.removeprefix(pattern), "かけっこ"
    for name, field in mine.items():
        chosen = ["", *posted.get(name, [])]
        others = [option for option in field["options"] if option not in chosen]
        if field["kind"] == "select" and others:
            posted[name] = others[:1]
            return name.removeprefix(pattern), others[0]
    raise AssertionError(f"nothing to type into the pattern row of {prefix}")


def banner_of(html: str) -> str:
    found = re.search(r'<div class="errornote hibi-errors".*?</div>', html, re.S)
    assert found, "no error banner at the top of the form"
    return found.group(0)


def group_of(html: str, prefix: str) -> str:
    found = re.search(rf'id="{prefix}-group".*?</fieldset>', html, re.S)
    assert found, f"no inline {prefix} on the page"
    return found.group(0)


@EACH_PAGE
def test_a_page_saved_as_shown_is_not_taken_for_typing_into_its_pattern_rows(ja, label, kind):
    url = page_url(label, kind)
    response = ja.post(url, as_posted(page_form(ja.get(url))))
    assert REFUSED not in response.content.decode()
    if kind == "change":
        assert response.status_code == 302  # saved; the pattern rows ignored, as ever


@EACH_PAGE
def test_a_row_typed_into_a_pattern_is_refused_and_kept_as_a_new_row(ja, label, kind):
    url = page_url(label, kind)
    page = ja.get(url)
    fields = page_form(page)
    for inline in page.context["inline_admin_formsets"]:
        prefix, model = inline.formset.prefix, inline.formset.model
        posted = as_posted(fields)
        name, typed = type_into_pattern(fields, posted, prefix)
        rows = int(posted[f"{prefix}-TOTAL_FORMS"][0])
        before = set(model.objects.values_list("pk", flat=True))

        response = ja.post(url, posted)
        assert response.status_code == 200, f"{prefix}: the page said it saved"
        assert set(model.objects.values_list("pk", flat=True)) == before
        html = response.content.decode()
        assert REFUSED in banner_of(html), prefix
        assert REFUSED in group_of(html, prefix)
        assert ROW_KEPT in group_of(html, prefix)
        shown = page_form(response)
        assert shown[f"{prefix}-{rows}-{name}"]["values"] == [typed]
        assert shown[f"{prefix}-TOTAL_FORMS"]["values"] == [str(rows + 1)]
        assert typed not in shown[f"{prefix}-__prefix__-{name}"]["values"]


def test_a_block_typed_into_the_pattern_is_saved_by_the_next_save(ja):
    plan = Plan.objects.get(name_ja="運動会")
    url = reverse("admin:schedule_plan_change", args=[plan.pk])
    posted = as_posted(page_form(ja.get(url)))
    posted["blocks-__prefix__-title_ja"] = ["かけっこ"]
    posted["blocks-__prefix__-start"] = ["13:00"]
    posted["blocks-__prefix__-end"] = ["13:30"]

    refused = ja.post(url, posted)
    assert refused.status_code == 200
    assert not plan.blocks.filter(title_ja="かけっこ").exists()
    saved = ja.post(url, as_posted(page_form(refused)))
    assert saved.status_code == 302
    block = plan.blocks.get(title_ja="かけっこ")
    assert (block.start, block.end) == (time(13), time(13, 30))
    assert plan.blocks.count() == 2


def test_a_default_wiped_from_a_pattern_row_is_not_taken_for_typing(ja):
    routine = Routine.objects.order_by("-pk").first()
    url = reverse("admin:schedule_routine_change", args=[routine.pk])
    posted = as_posted(page_form(ja.get(url)))
    assert posted["steps-__prefix__-order"] == ["0"]
    posted["steps-__prefix__-order"] = [""]
    assert ja.post(url, posted).status_code == 302


def test_a_formset_given_a_plain_dict_keeps_the_pattern_row_too(ja):
    plan = Plan.objects.get(name_ja="運動会")
    blocks = BlockInline(Plan, admin.site).get_formset(a_parent(), plan)
    data = {"blocks-TOTAL_FORMS": "0", "blocks-INITIAL_FORMS": "0"}
    data |= {"blocks-__prefix__-title_ja": "かけっこ", "blocks-__prefix__-start": "13:00"}
    data |= {"blocks-__prefix__-end": "13:30"}
    as_sent = dict(data)

    formset = blocks(data, instance=plan, prefix="blocks")
    assert not formset.is_valid()
    assert [error.code for error in formset.non_form_errors().as_data()] == ["typed_into_pattern"]
    (row,) = formset.forms
    assert row.cleaned_data["title_ja"] == "かけっこ"
    assert data == as_sent


@pytest.mark.parametrize("count", ["-1", "abc", "999999999", None])
def test_a_typed_pattern_row_with_a_forged_row_count_is_refused_not_a_500(ja, count):
    plan = Plan.objects.get(name_ja="運動会")
    url = reverse("admin:schedule_plan_change", args=[plan.pk])
    posted = as_posted(page_form(ja.get(url)))
    posted["blocks-__prefix__-title_ja"] = ["かけっこ"]
    posted.pop("blocks-TOTAL_FORMS")
    if count is not None:
        posted["blocks-TOTAL_FORMS"] = [count]

    response = ja.post(url, posted)
    assert response.status_code == 200
    assert not plan.blocks.filter(title_ja="かけっこ").exists()
