"""Two parents on the same admin page: the second save of an older page is refused.

Every page is opened, filled in and sent as a browser would (tests/pages.py
reads the page's own form, inline rows and management forms included), so a
page that leaves out the version it was opened with fails here, not in a
family's kitchen. Every registered page of the family's data is covered, a
new one automatically; and every inline's rows, changed or deleted by the
other parent some other way (a block's own page, a closure deleted, a
member deleted) since the page was opened.
"""

import re
from datetime import date, datetime, time

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import User
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from schedule.models import (
    Block,
    Chore,
    ChoreAssignee,
    ChoreClosure,
    Closure,
    Member,
    Plan,
    PlanOverride,
    RoutineAssignment,
    RoutineStep,
)
from tests.conftest import TOKYO
from tests.pages import as_sent, form_of
from tests.test_admin import one_of_each

pytestmark = pytest.mark.django_db

MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO)
STALE = "ほかの人がこれを保存しました"  # the refusal, as a Japanese parent reads it
GONE = "ほかの人がこの行を削除しました"  # beside a row deleted since the page was opened

# Pages where nothing can be edited, so there is nothing to save over.
EXEMPT = {
    "schedule.StepDone": "history: routine steps ticked on the wall, only ever added to",
    "schedule.StarEntry": "history: the children's star ledger, only ever added to",
    "schedule.Delivery": "the worker's log of what was sent: every field is read-only",
    "schedule.Announcement": "sent is sent: ended early from the list, or another one sent",
    "schedule.AnnouncementToken": "made once and shown once; then only revoked, from the list",
}

# Pages whose row has no free text to change: which field, and the two parents' values.
CHANGES = {
    "schedule.ChoreDone": ("date", "2026-11-24", "2026-11-25"),
    "schedule.IconColour": ("colour", "#112233", "#445566"),
    "schedule.StarRules": ("per_chore", "2", "3"),
    "schedule.AwayPeriod": ("last_day", "2026-11-27", "2026-11-28"),
    "schedule.CallOffRule": ("decide_at", "06:30", "06:45"),
    "schedule.WeatherPlace": ("point", "44132", "44172"),
    "schedule.BagRules": ("rain_from", "40", "60"),
}
# The free text a row's own form may have: the first one on the page is changed.
FREE_TEXT = {"name_ja", "name", "title_ja", "text_ja", "reason"}


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def parent(db, settings):
    # The real hasher takes a third of a second per password, on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return User.objects.create_superuser("parent", "parent@example.com", "a-long-password")


@pytest.fixture
def mum(parent):
    return signed_in(parent)


@pytest.fixture
def dad(parent):
    return signed_in(parent)


def signed_in(user) -> Client:
    client = Client(headers={"accept-language": "ja"})
    client.force_login(user)
    return client


def family_pages():
    return sorted(
        (model for model in admin.site._registry if model._meta.app_label == "schedule"),
        key=lambda model: model._meta.label,
    )


def change_url(row) -> str:
    meta = row._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])


def opened(client: Client, url: str) -> dict[str, list[str]]:
    """The change page's form as the browser would send it back unchanged."""
    page = client.get(url)
    assert page.status_code == 200, url
    return as_sent(form_of(page.content.decode(), page_form_id(url)))


def page_form_id(url: str) -> str:
    # Django's change form is <form id="<model name>_form">.
    return url.rstrip("/").split("/")[-3] + "_form"


def shown(response, name: str) -> list[str]:
    return as_sent(
        form_of(response.content.decode(), page_form_id(response.wsgi_request.path))
    ).get(name, [])


def a_change_for(label: str, form: dict[str, list[str]]) -> tuple[str, str, str]:
    """A field of the row's own form and what each parent types into it: its
    first free text, unless CHANGES says otherwise."""
    if label in CHANGES:
        return CHANGES[label]
    name = next((name for name in form if name in FREE_TEXT), None)
    assert name is not None, f"{label}: say in CHANGES which field two parents change"
    return name, f"{form[name][0]} (Mum)".strip(), f"{form[name][0]} (Dad)".strip()


@pytest.mark.parametrize("model", family_pages(), ids=lambda model: model._meta.label)
def test_a_page_opened_before_another_parent_s_save_is_refused(parent, mum, dad, frozen, model):
    label = model._meta.label
    row = one_of_each(parent)[label]
    url = change_url(row)
    if label in EXEMPT:
        # The reason must stay true: such a page offers nothing to send.
        assert opened(mum, url) == {}, f"{label} is exempt: {EXEMPT[label]}"
        return
    mums_page, dads_page = opened(mum, url), opened(dad, url)
    field, mums, dads = a_change_for(label, mums_page)

    first = mum.post(url, {**mums_page, field: [mums]})
    assert first.status_code == 302, f"{label}: the first save must go through"
    second = dad.post(url, {**dads_page, field: [dads]})

    assert second.status_code == 200, f"{label}: the older page was saved over the newer one"
    assert STALE in second.content.decode()
    assert shown(second, field) == [dads], "what the second parent typed is still there"
    assert shown(mum.get(url), field) == [mums], "the first parent's change is kept"
    saved = getattr(model.objects.get(pk=row.pk), field)
    if isinstance(saved, time):  # a time field's page shows hours and minutes
        saved = f"{saved:%H:%M}"
    assert str(saved) == mums


# Lists whose rows are edited in place: how each parent changes the first row's field.
LIST_CHANGES = {"schedule.Member": lambda value: (str(int(value) + 10), str(int(value) + 20))}


def editable_lists():
    return [model for model in family_pages() if admin.site._registry[model].list_editable]


def listed(client: Client, url: str) -> dict[str, list[str]]:
    """The list's form as the browser sends it when "save" is pressed."""
    page = client.get(url)
    assert page.status_code == 200, url
    return {**as_sent(form_of(page.content.decode(), "changelist-form")), "_save": ["保存"]}


@pytest.mark.parametrize("model", editable_lists(), ids=lambda model: model._meta.label)
def test_a_list_opened_before_another_parent_s_save_is_refused(
    demo_display, mum, dad, frozen, model
):
    label = model._meta.label
    assert label in LIST_CHANGES, f"say in LIST_CHANGES how two parents change {label}'s list"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    mums_list, dads_list = listed(mum, url), listed(dad, url)
    field = "form-0-" + admin.site._registry[model].list_editable[0]
    mums, dads = LIST_CHANGES[label](mums_list[field][0])

    assert mum.post(url, {**mums_list, field: [mums]}).status_code == 302
    second = dad.post(url, {**dads_list, field: [dads]})

    assert second.status_code == 200, f"{label}: the older list was saved over the newer one"
    assert STALE in second.content.decode()
    assert as_sent(form_of(second.content.decode(), "changelist-form"))[field] == [dads]
    row = model.objects.get(pk=mums_list["form-0-id"][0])
    assert str(getattr(row, field.removeprefix("form-0-"))) == mums


def test_a_member_page_opened_before_the_list_saved_their_order_is_refused(
    demo_display, mum, dad, frozen
):
    list_url = reverse("admin:schedule_member_changelist")
    dads_list = listed(dad, list_url)
    first = Member.objects.get(pk=dads_list["form-0-id"][0])
    mums_page = opened(mum, change_url(first))
    assert dad.post(list_url, {**dads_list, "form-0-order": ["9"]}).status_code == 302

    refused(mum.post(change_url(first), {**mums_page, "name_en": ["Someone new"]}))

    assert Member.objects.filter(pk=first.pk, order=9, name_en=first.name_en).exists()


# --- Inline rows changed some other way ---------------------------------------------------


def inlines():
    """Every inline of every family page: (page's model, inline's model)."""
    found = []
    for model in family_pages():
        for inline in admin.site._registry[model].inlines:
            found.append((model, inline.model))
    return found


def first_row(row_model):
    """A row of `row_model` on a page of the demo family (made, where the demo has none)."""
    if row_model is PlanOverride:
        PlanOverride.objects.create(
            plan=Plan.objects.get(name_ja="休日"), date=date(2026, 12, 5), reason="運動会"
        )
    if row_model is ChoreClosure:
        ChoreClosure.objects.create(
            chore=Chore.objects.get(title_ja="燃やすごみ"),
            closure=Closure.objects.get(name_ja="年末年始"),
            action=ChoreClosure.Action.PREVIOUS,
        )
    return row_model.objects.order_by("pk").first()


def owner_of(row, page_model):
    """The row the page is for: the one the inline row's foreign key points at."""
    fk = next(f for f in row._meta.fields if f.is_relation and f.related_model is page_model)
    return getattr(row, fk.name)


# What the other parent types into a row on their page: (field, value).
ROW_CHANGES = {
    Block: lambda row: ("title_ja", "朝ごはん（パン）"),
    PlanOverride: lambda row: ("reason", "雨で延期"),
    ChoreClosure: lambda row: ("action", ChoreClosure.Action.IGNORE),
    ChoreAssignee: lambda row: ("order", str(row.order + 5)),
    RoutineStep: lambda row: ("title_ja", "はみがき（念入り）"),
    RoutineAssignment: lambda row: ("block", str(another_block_for(row.member).pk)),
}


def another_block_for(member) -> Block:
    """A whole family's block where `member` has no routine yet."""
    free = Block.objects.filter(members__isnull=True).exclude(routines__member=member)
    return free.order_by("pk").first()


def row_ids(sent) -> list[str]:
    """The saved rows a page holds (or sent, or drew again), inline by inline."""
    if not isinstance(sent, dict):
        sent = as_sent(form_of(sent.content.decode(), page_form_id(sent.wsgi_request.path)))
    return [values[0] for name, values in sent.items() if re.fullmatch(r".+-\d+-id", name)]


def row_fields(page: dict[str, list[str]], row, page_model) -> str:
    """The prefix of the row's fields on the page ("blocks-3-")."""
    fk = next(f for f in row._meta.fields if f.is_relation and f.related_model is page_model)
    inline = fk.remote_field.get_accessor_name()  # the inline formset's prefix
    for name, values in page.items():
        if re.fullmatch(rf"{inline}-\d+-id", name) and values == [str(row.pk)]:
            return name.removesuffix("id")
    raise AssertionError(f"{row!r} is not on the page")


@pytest.mark.parametrize("how", ["changed on the page", "deleted on the page", "deleted"])
@pytest.mark.parametrize(("page_model", "row_model"), inlines(), ids=lambda model: model.__name__)
def test_a_row_changed_since_the_page_was_opened_refuses_the_page(
    demo_display, mum, dad, frozen, page_model, row_model, how
):
    assert row_model in ROW_CHANGES, f"say in ROW_CHANGES how to change a {row_model.__name__}"
    row = first_row(row_model)
    url = change_url(owner_of(row, page_model))
    mums_page = opened(mum, url)
    prefix = row_fields(mums_page, row, page_model)
    field, mums, _dads = a_change_for(page_model._meta.label, mums_page)
    before = shown(mum.get(url), field)
    if how == "deleted":
        row.delete()  # as a member's or a closure's page takes its rows along
    else:
        dads_page = opened(dad, url)
        if how == "changed on the page":
            name, value = ROW_CHANGES[row_model](row)
            dads_page[prefix + name] = [value]
        else:
            dads_page[prefix + "DELETE"] = ["on"]
        assert dad.post(url, dads_page).status_code == 302
    theirs = row_model.objects.filter(pk=row.pk).first()

    response = mum.post(url, {**mums_page, field: [mums]})

    assert response.status_code == 200, f"{row_model.__name__} {how}: the page was saved over it"
    assert STALE in response.content.decode()
    assert shown(response, field) == [mums], "what this parent typed is still there"
    assert row_ids(response) == row_ids(mums_page), "every row sent is drawn again"
    assert shown(mum.get(url), field) == before
    if how == "changed on the page":
        assert str(model_to_dict(theirs)[name]) == value
        assert model_to_dict(row_model.objects.get(pk=row.pk)) == model_to_dict(theirs)
    else:
        assert theirs is None
        assert GONE in response.content.decode()
        assert not row_model.objects.filter(pk=row.pk).exists(), "never brought back"


# --- The ways a row really changes off its page -----------------------------------------


def page_of(client: Client, url: str, form_id: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200, url
    return as_sent(form_of(page.content.decode(), form_id))


def refused(response) -> str:
    assert response.status_code == 200, "refused: the page is drawn again, not saved"
    html = response.content.decode()
    assert STALE in html
    return html


def test_a_plan_page_opened_before_a_block_s_own_page_saved_is_refused(demo_display, mum, dad):
    dinner = Block.objects.get(plan__name_ja="平日", title_ja="夜ごはん")
    plan_url = change_url(dinner.plan)
    mums_page = opened(mum, plan_url)
    block_url = reverse("admin:schedule_plan_block", args=[dinner.plan_id, dinner.pk])
    dads_block = page_of(dad, block_url, "block_form")
    dads_block |= {"start": ["18:30"], "end": ["19:15"], "shift_following": ["on"]}
    assert dad.post(block_url, dads_block).status_code == 302

    prefix = row_fields(mums_page, dinner, Plan)
    refused(mum.post(plan_url, {**mums_page, prefix + "title_ja": ["夜ごはん（外食）"]}))

    dinner.refresh_from_db()
    assert (f"{dinner.start:%H:%M}", dinner.title_ja) == ("18:30", "夜ごはん")


def test_a_plan_page_opened_before_its_date_went_to_another_plan_is_refused(
    demo_display, mum, dad, frozen
):
    day_off = Plan.objects.get(name_ja="休日")
    sports_day = PlanOverride.objects.create(plan=day_off, date=date(2026, 12, 5), reason="運動会")
    mums_page = opened(mum, change_url(day_off))
    weekday = Plan.objects.get(name_ja="平日")
    use = {"plan": [str(weekday.pk)], "date": ["2026-12-05"], "reason": ["授業参観"]}
    assert dad.post(reverse("admin:schedule_plan_use"), use).status_code == 302

    html = refused(mum.post(change_url(day_off), mums_page))

    assert GONE in html
    assert PlanOverride.objects.get(pk=sports_day.pk).plan == weekday, "not taken back"


def test_a_chore_page_opened_before_its_closure_was_deleted_is_refused(demo_display, mum, dad):
    burnable = Chore.objects.get(title_ja="燃やすごみ")
    new_year = Closure.objects.get(name_ja="年末年始")
    link = ChoreClosure.objects.create(chore=burnable, closure=new_year, action="previous")
    mums_page = opened(mum, change_url(burnable))
    delete = reverse("admin:schedule_closure_delete", args=[new_year.pk])
    assert dad.post(delete, {"post": "yes"}).status_code == 302

    html = refused(mum.post(change_url(burnable), mums_page))

    assert GONE in html
    assert not ChoreClosure.objects.filter(pk=link.pk).exists(), "never brought back"


def test_pages_opened_before_a_member_was_deleted_are_refused(demo_display, mum, dad):
    haru = Member.objects.get(name_en="Haru")
    turn = ChoreAssignee.objects.filter(member=haru).select_related("chore").first()
    use = RoutineAssignment.objects.filter(member=haru).select_related("routine").first()
    chore_page = opened(mum, change_url(turn.chore))
    routine_page = opened(mum, change_url(use.routine))
    delete = reverse("admin:schedule_member_delete", args=[haru.pk])
    assert dad.post(delete, {"post": "yes"}).status_code == 302

    for url, page in [
        (change_url(turn.chore), chore_page),
        (change_url(use.routine), routine_page),
    ]:
        assert GONE in refused(mum.post(url, page))
    assert not ChoreAssignee.objects.filter(member_id=haru.pk).exists()
    assert not RoutineAssignment.objects.filter(member_id=haru.pk).exists()


def test_a_routine_page_opened_before_its_block_was_deleted_is_refused(demo_display, mum, dad):
    use = RoutineAssignment.objects.select_related("block", "routine").order_by("pk").first()
    routine_page = opened(mum, change_url(use.routine))
    plan_url = change_url(use.block.plan)
    dads_plan = opened(dad, plan_url)
    dads_plan[row_fields(dads_plan, use.block, Plan) + "DELETE"] = ["on"]
    assert dad.post(plan_url, dads_plan).status_code == 302

    html = refused(mum.post(change_url(use.routine), routine_page))

    assert GONE in html
    assert not RoutineAssignment.objects.filter(pk=use.pk).exists()
