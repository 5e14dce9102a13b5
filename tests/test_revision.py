"""What redraws the walls (common/models.py's count_change): every model of the app
says what a change of its rows does, and every way of writing a row is counted
as it says — saves, deletes, update(), bulk_create(), bulk_update(), the people
of a block or a display, an import — while a tablet's heartbeat and a calendar's
fetch notes are not.

A wall redraws when the revision's `value` moves, and reads the plans again
when its `plans` moves too (wall/polling.py keys its kept data by them)."""

import io
from datetime import date, datetime, time

import pytest
from django.apps import apps
from PIL import Image

from schedule.common.models import CountedQuerySet, Revision, Shown, counted_once
from schedule.data import portable
from schedule.models import (
    Announcement,
    AnnouncementDismissal,
    AnnouncementToken,
    BagPacked,
    Block,
    CalendarEvent,
    CalendarFeed,
    CalendarSubscription,
    Chore,
    ChoreCancellation,
    ChoreClosure,
    ChoreDone,
    Closure,
    Delivery,
    Display,
    Heartbeat,
    IconColour,
    Member,
    MemberPhoto,
    NudgeTarget,
    Plan,
    PlanOverride,
    RoutineStep,
    StarEntry,
    StepDone,
    WeatherPlace,
    WeatherReport,
)
from tests.conftest import TOKYO

MODELS = list(apps.get_app_config("schedule").get_models())
DAY = date(2026, 11, 24)


def test_every_model_says_what_a_change_of_its_rows_does_to_the_walls():
    for model in MODELS:
        assert "shown" in vars(model), f"{model.__name__}: say shown = Shown.PLANS, TICK or NOT"
        assert isinstance(model.shown, Shown)
        if model.shown is not Shown.NOT:
            # update(), bulk_create() and bulk_update() send no signal: counted here.
            assert isinstance(model._default_manager.all(), CountedQuerySet), model.__name__


def a_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def rows(demo_display) -> dict:
    """A row of every model of the app, the demo family's where it has one."""
    haru = Member.objects.get(name_en="Haru")
    chore = Chore.objects.get(title_en="Burnable trash")
    closure = Closure.objects.first()
    step = RoutineStep.objects.first()
    subscription = CalendarSubscription.objects.create(name="School", url="https://e.x/s.ics")
    target = NudgeTarget.objects.create(name="Phone", apprise_url="ntfy://hibi-test")
    made = {
        IconColour: IconColour.objects.create(icon="bath", colour="#112233"),
        PlanOverride: PlanOverride.objects.create(date=DAY, plan=Plan.objects.first()),
        ChoreDone: ChoreDone.objects.create(chore=chore, date=DAY),
        ChoreClosure: ChoreClosure.objects.create(chore=chore, closure=closure),
        ChoreCancellation: ChoreCancellation.objects.create(chore=chore, date=DAY),
        StepDone: StepDone.objects.create(step=step, member=haru, date=DAY),
        BagPacked: BagPacked.objects.create(member=haru, date=DAY, thing="rain"),
        StarEntry: StarEntry.objects.create(member=haru, date=DAY, amount=1, kind="parent"),
        CalendarSubscription: subscription,
        CalendarEvent: CalendarEvent.objects.create(
            subscription=subscription,
            uid="swim",
            title="Swimming",
            start=datetime.combine(DAY, time(10), TOKYO),
            end=datetime.combine(DAY, time(11), TOKYO),
        ),
        CalendarFeed: CalendarFeed.objects.create(name="Family"),
        NudgeTarget: target,
        Delivery: Delivery.objects.create(
            target=target,
            kind="test",
            channel="t",
            occurrence="t",
            due_at=datetime.combine(DAY, time(9), TOKYO),
        ),
        Heartbeat: Heartbeat.objects.create(name="test", at=datetime(2026, 11, 24, tzinfo=TOKYO)),
        MemberPhoto: MemberPhoto.objects.create(member=haru, image=a_jpeg()),
        AnnouncementToken: AnnouncementToken.objects.create(name="HA", digest="0" * 64),
        AnnouncementDismissal: AnnouncementDismissal.objects.create(
            announcement=Announcement.objects.get(), display=demo_display
        ),
        WeatherReport: WeatherReport.objects.create(
            kind="forecast",
            place="jma:130000:130010:44132",
            reported_at=datetime.combine(DAY, time(5), TOKYO),
            checked_at=datetime.combine(DAY, time(5, 20), TOKYO),
        ),
    }
    for model in MODELS:
        if model not in made:
            made[model] = model._default_manager.order_by("pk").first()
    missing = [model.__name__ for model, row in made.items() if row is None]
    assert missing == [], "give these a row here"
    return made


def moved(write) -> tuple[bool, bool]:
    """Whether `write()` moved the revision's value and its plans count."""
    before = Revision.both()
    write()
    after = Revision.both()
    return after[0] != before[0], after[1] != before[1]


def expected(model) -> tuple[bool, bool]:
    return model.shown is not Shown.NOT, model.shown is Shown.PLANS


def a_field(model) -> str:
    """A column of the model's own that bulk_update may write back as it is."""
    return next(
        f.attname
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname not in getattr(model, "quiet_fields", ())
    )


# Every model but the count itself.
WRITTEN = [model for model in MODELS if model is not Revision]


@pytest.mark.parametrize("model", WRITTEN, ids=lambda model: model.__name__)
def test_each_way_of_writing_a_row_is_counted_as_its_model_says(rows, model):
    row = rows[model]
    manager = model._default_manager
    assert moved(row.save) == expected(model), "save"
    same = {model._meta.pk.attname: row.pk}
    assert moved(lambda: manager.filter(pk=row.pk).update(**same)) == expected(model), "update"
    field = a_field(model)
    assert moved(lambda: manager.bulk_update([row], [field])) == expected(model), "bulk_update"
    assert moved(lambda: manager.filter(pk=row.pk).delete()) == expected(model), "delete"
    assert moved(lambda: manager.bulk_create([row])) == expected(model), "bulk_create"
    assert moved(row.delete) == expected(model), "delete one"


def test_writes_that_change_nothing_a_wall_shows_are_not_counted(rows):
    display, subscription = rows[Display], rows[CalendarSubscription]
    now = datetime(2026, 11, 24, 10, tzinfo=TOKYO)
    heartbeat = Display.objects.filter(pk=display.pk)
    assert moved(lambda: heartbeat.update(last_seen_at=now, last_user_agent="Silk")) == (
        False,
        False,
    )
    fetched = CalendarSubscription.objects.filter(pk=subscription.pk)
    assert moved(lambda: fetched.update(last_sync_at=now, error_code="")) == (False, False)
    display.last_seen_at = now
    assert moved(lambda: display.save(update_fields=["last_seen_at"])) == (False, False)
    # ...and a change of what it shows in the same write is counted.
    assert moved(lambda: heartbeat.update(last_seen_at=now, name="Kitchen")) == (True, True)
    # The weather's fetch notes (issue 29): the place's last fetch, a report found again.
    place = WeatherPlace.objects.filter(pk=rows[WeatherPlace].pk)
    assert moved(lambda: place.update(last_fetch_at=now, forecast_etag='"x"')) == (False, False)
    report = WeatherReport.objects.filter(pk=rows[WeatherReport].pk)
    assert moved(lambda: report.update(checked_at=now)) == (False, False)


@pytest.mark.parametrize("owner", [Block, Display], ids=lambda model: model.__name__)
def test_the_people_of_a_block_or_a_display_are_counted_as_plans(rows, owner):
    row, mio = rows[owner], Member.objects.get(name_en="Mio")
    assert moved(lambda: row.members.add(mio)) == (True, True)
    assert moved(lambda: row.members.remove(mio)) == (True, True)
    assert moved(lambda: row.members.clear()) == (True, True)
    assert moved(lambda: mio.blocks.add(rows[Block])) == (True, True)


def test_a_whole_batch_is_counted_once(rows):
    before = Revision.both()
    with counted_once():
        Plan.objects.filter(pk=rows[Plan].pk).delete()  # its blocks, routines' uses go too
        ChoreDone.objects.all().delete()
    after = Revision.both()
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
    with counted_once():
        StarEntry.objects.create(member=rows[Member], date=DAY, amount=2, kind="parent")
        StepDone.objects.all().delete()
    assert (Revision.both()[0] - after[0], Revision.both()[1] - after[1]) == (1, 0)


def test_an_import_is_counted_once_and_as_plans(rows):
    document = portable.export_family()
    before = Revision.both()
    portable.import_family(document, replace=True)
    after = Revision.both()
    assert (after[0] - before[0], after[1] - before[1]) == (1, 1)
