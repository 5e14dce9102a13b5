"""Every inline of the admin, on a phone (375 px) and a laptop (1024 px), in
Debian's chromium through Playwright, headless.

Each inline page holds a hidden pattern row (`<prefix>-empty`, its fields named
`__prefix__`) that Django's inlines.js copies when a parent taps "add another".
In issue 24 a layout rule showed it: a parent typed a block into it, saved,
read "added" and found nothing, since a formset never reads the pattern. Here
every page that shows inlines is read from the admin's registry (an inline
added later is walked too); on each, every pattern row must stay hidden, and a
row added through the visible control and typed into must be found in the
database after the save, or, where a row needs more than a browser types
simply, stay on the page with an error next to it. Nothing typed may vanish.

Screenshots go to test-artifacts/ (ignored by git) for a person to look at.
"""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse
from playwright.sync_api import expect

from schedule.data.demo import load_demo_family
from schedule.models import Plan
from tests.conftest import DEMO_DAY
from tests.test_admin_inlines import PAGES, a_parent, add_event_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make between browser steps are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
PASSWORD = "a-long-family-password"
# A phone in Japanese, a laptop in English.
SCREENS = {
    375: ({"width": 375, "height": 812}, "ja"),
    1024: ({"width": 1024, "height": 768}, "en"),
}
# The demo family's holiday Monday, 9 in the morning: the pages' dates (next
# collections, past overrides) read the same on any day the tests run.
MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
# What a parent types into a field, by its name; a field not named here gets a
# value of its kind (see `value_for`).
TYPED = {
    "name_ja": "テストの日",
    "name_en": "Test day",
    "title_ja": "テスト",
    "title_reading": "てすと",
    "title_en": "Test",
    "reason": "Test",
    "start": "13:00",
    "end": "13:30",
    "date": "2026-12-05",
}


@pytest.fixture
def family(db):
    """The demo family and, as the newest plan whose page is opened, a school
    event's plan with a free afternoon."""
    load_demo_family(DEMO_DAY)
    add_event_plan()
    User.objects.create_superuser("parent", "parent@example.com", PASSWORD)


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=True):
        yield


def signed_in_page(browser, live_server, width: int):
    viewport, language = SCREENS[width]
    context = browser.new_context(viewport=viewport, locale=language, device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "parent")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page, problems


def value_for(name: str, kind: str, options: list[str]) -> str:
    """A valid value of a field a parent must fill in, by its name or else its kind."""
    if name in TYPED:
        return TYPED[name]
    if options:
        return options[0]
    return {"date": "2026-12-05", "time": "13:00", "number": "1"}.get(kind, "Test")


# The options of a select that no other row of its inline has chosen yet (a
# parent picks someone not on the list yet), else all of them.
FREE_OPTIONS = """e => {
    var group = e.closest('.inline-group');
    var suffix = e.name.replace(/^.*-/, '-');
    var taken = [];
    if (group) {
        Array.prototype.forEach.call(group.querySelectorAll('select'), function (other) {
            if (other !== e && other.name.slice(-suffix.length) === suffix) {
                taken.push(other.value);
            }
        });
    }
    var all = Array.prototype.map.call(e.options, function (o) { return o.value; })
        .filter(function (value) { return value; });
    var free = all.filter(function (value) { return taken.indexOf(value) === -1; });
    return free.length ? free : all;
}"""


def fill(scope, prefix: str, form_class, tick_first: bool = False) -> dict[str, object]:
    """Types into `scope` what a parent would: every empty field the form requires,
    every empty line of text (titles), a picture from the icon grid, and with
    `tick_first` the first box of each group with none ticked (a new plan's
    first weekday). Returns what the page then holds, by field name, read back
    after the page's own scripts ran."""
    typed: dict[str, object] = {}
    for name, field in form_class.base_fields.items():
        controls = scope.locator(f"[name='{prefix}{name}']")
        if controls.count() == 0:
            continue  # not on the page (left out by the admin, or read-only)
        control = controls.first
        kind = control.evaluate("e => e.type || e.tagName.toLowerCase()")
        picker = control.locator("xpath=ancestor::*[contains(@class, 'hibi-icon-picker')]")
        if kind == "checkbox" and controls.count() > 1:
            if (tick_first or field.required) and not any(c.is_checked() for c in controls.all()):
                controls.first.check()
                typed[name] = [c.input_value() for c in controls.all() if c.is_checked()]
            continue
        if picker.count():
            # The page's own control: a button that opens a grid of pictures.
            index = control.evaluate(
                "(e, v) => Array.prototype.map.call(e.options, function (o) "
                "{ return o.value; }).indexOf(v)",
                value_for(name, kind, control.evaluate(FREE_OPTIONS)),
            )
            picker.locator(".hibi-icon-button").click()
            picker.locator(f".hibi-icon-option[data-hibi-icon-index='{index}']").click()
        elif (
            kind in ("hidden", "checkbox", "radio")
            or control.input_value()
            or not (field.required or kind in ("text", "textarea"))
        ):
            continue  # not for typing into, already filled, or may stay empty
        elif kind.startswith("select"):
            control.select_option(value_for(name, kind, control.evaluate(FREE_OPTIONS)))
        else:
            control.fill(value_for(name, kind, []))
        typed[name] = control.input_value()
    return typed


def shown(form, name: str) -> object:
    """A saved row's field as its form on the page would show it."""
    bound = form[name]
    value = bound.field.widget.format_value(bound.value())
    if isinstance(value, list):
        return value[0] if len(value) == 1 else sorted(value)
    return value


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


@pytest.mark.parametrize("width", sorted(SCREENS))
@pytest.mark.parametrize(("label", "kind"), PAGES, ids=[f"{label}-{kind}" for label, kind in PAGES])
def test_every_inline_hides_its_pattern_row_and_saves_a_row_added_to_it(
    morning, browser, live_server, family, label, kind, width
):
    """One save per page with a new row in each inline: a new routine needs its
    first step, a new plan a day, so on an add page the rows go together."""
    model = apps.get_model(label)
    model_admin = admin.site._registry[model]
    request = a_parent()
    parent = None if kind == "add" else model.objects.order_by("-pk").first()
    assert kind == "add" or parent is not None, f"the family has no {label} to open"
    meta = model._meta
    url = live_server.url + reverse(
        f"admin:{meta.app_label}_{meta.model_name}_{kind}",
        args=[] if parent is None else [parent.pk],
    )
    page, problems = signed_in_page(browser, live_server, width)
    page.goto(url)
    inlines = model_admin.get_inline_instances(request, parent)
    patterns = page.locator(".inline-group .empty-form")
    expect(patterns).to_have_count(len(inlines))
    for pattern in patterns.all():
        expect(pattern).to_be_hidden()

    added = []
    for inline in inlines:
        formset = inline.get_formset(request, parent)
        prefix = formset.get_default_prefix()
        number = int(page.input_value(f"#id_{prefix}-TOTAL_FORMS"))
        add = page.locator(f"#{prefix}-group .add-row a")
        expect(add).to_be_visible()
        add.click()
        row = page.locator(f"#{prefix}-{number}")
        expect(row).to_be_visible()
        typed = fill(row, f"{prefix}-{number}-", formset.form)
        assert typed, f"nothing to type into a new row of {prefix}"
        added.append((inline, formset, prefix, number, typed))
    if parent is None:
        fill(page.locator("#content-main form"), "", model_admin.get_form(request), True)
    for pattern in patterns.all():
        expect(pattern).to_be_hidden()
    name = f"admin-inline-{meta.model_name}-{kind}-{width}"
    screenshot(page, f"{name}.png")
    for _inline, _formset, prefix, _number, _typed in added:
        page.locator(f"#{prefix}-group").screenshot(path=str(ARTIFACTS / f"{name}-{prefix}.png"))

    parents_before = set(model.objects.values_list("pk", flat=True))
    rows_before = {i.model: set(i.model.objects.values_list("pk", flat=True)) for i in inlines}
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success, .errornote")
    screenshot(page, f"{name}-saved.png")
    if page.locator(".messagelist .success").count():
        (saved_parent,) = [parent] if parent else model.objects.exclude(pk__in=parents_before)
        for inline, formset, prefix, _number, typed in added:
            (new,) = inline.model.objects.exclude(pk__in=rows_before[inline.model])
            assert getattr(new, formset.fk.name) == saved_parent
            form = formset.form(instance=new)
            assert {field: shown(form, field) for field in typed} == typed, prefix
            print(f"{width} px, {label} {kind}: {prefix} saved as pk {new.pk}: {typed}")
    else:
        # Refused: nothing saved, every row still as typed, an error beside a row.
        for model_of_rows, before in rows_before.items():
            assert set(model_of_rows.objects.values_list("pk", flat=True)) == before
        for _inline, _formset, prefix, number, typed in added:
            row = page.locator(f"#{prefix}-{number}")
            for field, value in typed.items():
                if isinstance(value, str):
                    expect(row.locator(f"[name='{prefix}-{number}-{field}']")).to_have_value(value)
        expect(page.locator(".inline-group .errorlist").first).to_be_visible()
        print(f"{width} px, {label} {kind}: refused with an error beside a row")
    assert problems == []


def test_a_block_typed_into_a_pattern_row_on_show_is_kept_and_saved_the_next_time(
    morning, browser, live_server, family
):
    """Should a page ever show the pattern row again, the save refuses what was
    typed into it, at the top and beside the blocks, and keeps it as a new row."""
    plan = Plan.objects.get(name_ja="運動会")
    page, problems = signed_in_page(browser, live_server, 375)
    page.goto(f"{live_server.url}/admin/schedule/plan/{plan.pk}/change/")
    # Issue 24's page: the pattern row drawn like any other.
    page.evaluate(
        "document.getElementById('blocks-empty').style.setProperty('display', 'flex', 'important')"
    )
    pattern = page.locator("#blocks-empty")
    pattern.locator("[name='blocks-__prefix__-start']").fill("13:00")
    pattern.locator("[name='blocks-__prefix__-end']").fill("13:30")
    pattern.locator("[name='blocks-__prefix__-title_ja']").fill("かけっこ")
    page.click("input[name=_continue]")

    expect(page.locator(".hibi-errors")).to_contain_text("ひな形に入力されていた")
    expect(page.locator("#blocks-group .errorlist.nonform")).to_contain_text("ひな形")
    kept = page.locator("#blocks-1")
    expect(kept).to_be_visible()
    expect(kept.locator("[name='blocks-1-title_ja']")).to_have_value("かけっこ")
    expect(kept.locator("[name='blocks-1-start']")).to_have_value("13:00")
    expect(page.locator("#blocks-empty")).to_be_hidden()
    assert not plan.blocks.filter(title_ja="かけっこ").exists()
    screenshot(page, "admin-inline-pattern-typed-375.png")
    page.locator("#blocks-group").screenshot(
        path=str(ARTIFACTS / "admin-inline-pattern-typed-375-blocks.png")
    )

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    block = plan.blocks.get(title_ja="かけっこ")
    assert (f"{block.start:%H:%M}", f"{block.end:%H:%M}") == ("13:00", "13:30")
    assert problems == []
