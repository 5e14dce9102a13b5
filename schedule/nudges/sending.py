"""Nudges to phones (through Apprise) and webhooks at a block's start.

Every few seconds the worker calls `run(now)`:

1. `due(now)` lists what has come due in the last GRACE minutes: the evening
   nudge for the next morning's chores, blocks that ask for a nudge N
   minutes before their start, chores still not done at their time, and
   blocks with a webhook. Each is one `Delivery` row, keyed by where it goes
   and which occurrence it is for; the database's unique constraint makes a
   second row for the same occurrence impossible, whatever restarts.
2. Each waiting row is claimed (a conditional update, so only one sender
   gets it), sent, and marked sent, or to be tried again later, or failed
   after NUDGE_ATTEMPTS tries. A row found still "sending" long after (the
   worker died mid-send) is marked failed rather than sent again: a family
   would rather miss one nudge than get it twice.

Which moment a nudge is due at comes from the planner (block starts, chores
due), so the phone and the wall always agree.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext as _

from schedule import planner
from schedule.calendars.fetch import printable
from schedule.chores.models import Chore
from schedule.common import household
from schedule.common.household import pick
from schedule.day.loading import load_household
from schedule.family.models import Display
from schedule.nudges import tonight
from schedule.nudges.models import Delivery, NudgeTarget
from schedule.plans.models import Block

log = logging.getLogger(__name__)

# Something due while the worker was down is still sent if it is this recent;
# older, it would only confuse ("leave in 10 min" an hour late).
GRACE = timedelta(minutes=15)
# A row still "sending" after this long belongs to a worker that died mid-send.
STUCK_AFTER = timedelta(minutes=10)
NOON = time(12, 0)


@dataclass(frozen=True)
class Due:
    """One thing to send, before it is a row."""

    kind: str
    channel: str
    occurrence: str
    due_at: datetime
    title: str = ""
    body: str = ""
    target: NudgeTarget | None = None
    block_id: int | None = None
    quiet: bool = False

    def as_row(self) -> Delivery:
        return Delivery(
            kind=self.kind,
            channel=self.channel,
            occurrence=self.occurrence,
            due_at=self.due_at,
            title=self.title[:200],
            body=self.body[:2000],
            target=self.target,
            block_id=self.block_id,
            status=Delivery.Status.SKIPPED if self.quiet else Delivery.Status.PENDING,
            error_code="quiet" if self.quiet else "",
        )


def _languages(mode: str) -> tuple[str, ...]:
    return {"ja": ("ja",), "en": ("en",)}.get(mode, ("ja", "en"))


def _in_each_language(mode: str, write) -> str:
    """`write()` once per language of the target, joined: the text as the phone shows it."""
    lines = []
    for lang in _languages(mode):
        with translation.override(lang):
            text = write(lang)
        if text not in lines:
            lines.append(text)
    return "\n".join(lines)


def _names(members: tuple[planner.MemberData, ...], lang: str) -> str:
    return "・".join(m.name(lang) for m in members)


def _involves(target: NudgeTarget, member_ids: tuple[int, ...]) -> bool:
    """A family target hears of everything; a member's only of what is theirs (or everyone's)."""
    return target.member_id is None or not member_ids or target.member_id in member_ids


def evening_text(chores: tuple[planner.ChoreView, ...], lang: str) -> str:
    lines = []
    for chore in chores:
        what = chore.title(lang)
        if names := _names(chore.assignees, lang):
            what = f"{what} · {names}"
        if chore.due is None:
            lines.append(_("Tomorrow: %(what)s") % {"what": what})
        elif chore.chore.time_kind == Chore.TimeKind.BY:
            lines.append(
                _("Tomorrow morning by %(time)s: %(what)s")
                % {"time": planner_clock(chore.due), "what": what}
            )
        else:
            lines.append(
                _("Tomorrow morning at %(time)s: %(what)s")
                % {"time": planner_clock(chore.due), "what": what}
            )
    return "\n".join(lines)


def block_text(block: planner.BlockView, minutes: int, lang: str) -> str:
    title = block.title(lang)
    if minutes:
        return _("%(title)s in %(minutes)s min") % {"title": title, "minutes": minutes}
    return _("Now: %(title)s") % {"title": title}


def overdue_text(chore: planner.ChoreView, lang: str) -> str:
    assert chore.due is not None
    what = chore.title(lang)
    if names := _names(chore.assignees, lang):
        what = f"{what} · {names}"
    return _("Not done yet: %(what)s (by %(time)s)") % {
        "what": what,
        "time": planner_clock(chore.due),
    }


def planner_clock(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


def due(now: datetime, tz: ZoneInfo | None = None) -> list[Due]:
    """Everything that came due in (now − GRACE, now]."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    now = now.astimezone(tz)
    today = now.date()
    household = load_household(today, tz)
    since = now - GRACE

    def in_window(moment: datetime) -> bool:
        return since < moment <= now

    found: list[Due] = []
    targets = list(NudgeTarget.objects.filter(enabled=True))
    block_settings = {
        pk: (minutes, url)
        for pk, minutes, url in Block.objects.filter(
            Q(nudge_minutes_before__isnull=False) | ~Q(webhook_url="")
        ).values_list("pk", "nudge_minutes_before", "webhook_url")
    }
    overdue_ids = set(Chore.objects.filter(nudge_when_overdue=True).values_list("pk", flat=True))

    days = (today - timedelta(days=1), today, today + timedelta(days=1))
    for call_off in tonight.call_offs_decided(household, days[:2], now, in_window):
        found += _call_off_nudges(call_off, targets, tz)
    for target in targets:
        found += _evening(household, target, days[:2], tz, in_window)
        if target.overdue_chores:
            found += _overdue(household, target, days[:2], overdue_ids, in_window)
    for day in days[1:]:
        view = planner.day_view(household, day, now)
        for block in view.blocks:
            if block.event is not None or block.from_yesterday:
                continue
            minutes, url = block_settings.get(block.block.id, (None, ""))
            if url and in_window(block.start):
                found.append(_webhook(block, url))
            if minutes is None or not in_window(block.start - timedelta(minutes=minutes)):
                continue
            for target in targets:
                if target.block_starts and _involves(target, block.block.member_ids):
                    found.append(_block_nudge(block, minutes, target, tz))
    return found


def _evening(household, target, days, tz, in_window) -> list[Due]:
    """The evening before: the morning's chores, and each child's bag with the
    weather (tonight.py), as the target asks for them."""
    if not target.evening_chores and not target.evening_bags:
        return []
    out = []
    for day in days:
        moment = planner.at(day, target.evening_time, tz)
        if not in_window(moment):
            continue
        tomorrow = day + timedelta(days=1)
        noon = planner.at(tomorrow, NOON, tz)
        chores = tuple(
            c
            for c in planner.chores_on(household, tomorrow)
            if target.evening_chores
            and (c.due is None or c.due < noon)
            and _involves(target, tuple(m.id for m in c.assignees))
        )
        bags, weather = tonight.tomorrow_of(household, day, moment)
        if not target.evening_bags:
            bags = ()

        def write(lang, chores=chores, bags=bags, weather=weather) -> str:
            lines = [evening_text(chores, lang), *tonight.bag_lines(bags, weather, target, lang)]
            return "\n".join(line for line in lines if line)

        if not chores and not any(write(lang) for lang in ("ja", "en")):
            continue
        out.append(
            Due(
                kind=Delivery.Kind.NUDGE,
                channel=f"target:{target.pk}",
                occurrence=f"evening:{tomorrow.isoformat()}",
                due_at=moment,
                title=_in_each_language(target.language, lambda lang: _("Tomorrow morning")),
                body=_in_each_language(target.language, write),
                target=target,
                quiet=target.is_quiet_at(moment.time()),
            )
        )
    return out


def _overdue(household, target, days, overdue_ids, in_window) -> list[Due]:
    out = []
    for day in days:
        for chore in planner.chores_on(household, day):
            if chore.chore.id not in overdue_ids or chore.done or chore.due is None:
                continue
            if not in_window(chore.due):
                continue
            if not _involves(target, tuple(m.id for m in chore.assignees)):
                continue
            out.append(
                Due(
                    kind=Delivery.Kind.NUDGE,
                    channel=f"target:{target.pk}",
                    occurrence=f"overdue:{chore.chore.id}:{day.isoformat()}",
                    due_at=chore.due,
                    title=_in_each_language(target.language, lambda lang: _("Not done yet")),
                    body=_in_each_language(
                        target.language, lambda lang, chore=chore: overdue_text(chore, lang)
                    ),
                    target=target,
                    quiet=target.is_quiet_at(chore.due.time()),
                )
            )
    return out


def _call_off_nudges(call_off, targets: list[NudgeTarget], tz: ZoneInfo) -> list[Due]:
    """A warning called a block off: the family's phones and whose it is hear of it."""
    members = tuple(m for block in call_off.blocks for m in block.member_ids)
    return [
        Due(
            kind=Delivery.Kind.NUDGE,
            channel=f"target:{target.pk}",
            occurrence=f"calloff:{call_off.rule_id}:{call_off.day.isoformat()}",
            due_at=call_off.decide_at,
            title=_in_each_language(target.language, tonight.call_off_title),
            body=_in_each_language(target.language, partial(tonight.call_off_text, call_off)),
            target=target,
            quiet=target.is_quiet_at(call_off.decide_at.astimezone(tz).time()),
        )
        for target in targets
        if _involves(target, members)
    ]


def _block_nudge(block: planner.BlockView, minutes: int, target: NudgeTarget, tz) -> Due:
    moment = block.start - timedelta(minutes=minutes)
    return Due(
        kind=Delivery.Kind.NUDGE,
        channel=f"target:{target.pk}",
        occurrence=f"block:{block.block.id}:{block.start.astimezone(tz):%Y-%m-%dT%H:%M}",
        due_at=moment,
        title=_in_each_language(target.language, lambda lang: block.title(lang)),
        body=_in_each_language(target.language, lambda lang: block_text(block, minutes, lang)),
        target=target,
        block_id=block.block.id,
        quiet=target.is_quiet_at(moment.astimezone(tz).time()),
    )


def webhook_payload(block: planner.BlockView) -> dict:
    """The small JSON body a block's webhook gets (Home Assistant reads it as trigger.json)."""
    return {
        "event": "block_start",
        "source": "hibi",
        "date": block.start.date().isoformat(),
        "block": {
            "id": block.block.id,
            "title_ja": block.block.title_ja,
            "title_en": block.block.title_en,
            "icon": block.block.icon,
            "start": block.start.isoformat(),
            "end": block.end.isoformat(),
            "members": [
                {"id": m.id, "name_ja": m.name_ja, "name_en": m.name_en} for m in block.members
            ],
        },
    }


def _webhook(block: planner.BlockView, url: str) -> Due:
    payload = webhook_payload(block)
    return Due(
        kind=Delivery.Kind.WEBHOOK,
        channel=f"webhook:{block.block.id}",
        occurrence=f"{block.start:%Y-%m-%dT%H:%M}",
        due_at=block.start,
        title=pick(block.block.title_ja, block.block.title_en),
        body=json.dumps(payload, ensure_ascii=False),
        block_id=block.block.id,
    )


# --- Sending ---------------------------------------------------------------------


class SendProblem(Exception):
    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = printable(detail)[:300]


def notify(apprise_url: str, title: str, body: str) -> None:
    """One message through Apprise; SendProblem with the reason if it was not taken."""
    import apprise

    sender = apprise.Apprise()
    if not sender.add(apprise_url):
        raise SendProblem("not_understood")
    with apprise.LogCapture(level=logging.WARNING) as captured:
        sent = sender.notify(title=title, body=body)
    if not sent:
        lines = [line for line in captured.getvalue().splitlines() if line.strip()]
        raise SendProblem("refused", lines[-1].split(" - ", 2)[-1] if lines else "")


def post_json(url: str, body: str) -> None:
    """POST the webhook's JSON; any answer but 2xx is a SendProblem."""
    request = urllib.request.Request(
        url,
        data=body.encode(),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "Hibi webhook"},
    )
    timeout = settings.NUDGE_TIMEOUT_SECONDS
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read(1024)
    except urllib.error.HTTPError as exc:
        raise SendProblem("http", str(exc.code)) from None
    except TimeoutError:
        raise SendProblem("timeout", str(timeout)) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise SendProblem("timeout", str(timeout)) from None
        raise SendProblem("network", str(exc.reason)) from None
    except (OSError, ValueError) as exc:
        raise SendProblem("network", str(exc)) from None


def _send(row: Delivery) -> None:
    if row.kind == Delivery.Kind.WEBHOOK and row.channel.startswith("battery:"):
        url = (
            Display.objects.filter(pk=row.channel.removeprefix("battery:"))
            .values_list("battery_webhook_url", flat=True)
            .first()
        )
        if not url:
            raise SendProblem("unexpected", "the display or its battery webhook was removed")
        post_json(url, row.body)
        return
    if row.kind == Delivery.Kind.WEBHOOK:
        block = Block.objects.filter(pk=row.block_id).first() if row.block_id else None
        if block is None or not block.webhook_url:
            raise SendProblem("unexpected", "the block or its webhook was removed")
        post_json(block.webhook_url, row.body)
        return
    target = row.target
    if target is None:
        raise SendProblem("unexpected", "the phone was removed")
    notify(target.apprise_url, row.title, row.body)


def send(row: Delivery, now: datetime | None = None) -> bool:
    """Claim the row, send it once, record how it went; False if another sender had it."""
    now = now or household.now()
    claimed = Delivery.objects.filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now),
        pk=row.pk,
        status__in=[Delivery.Status.PENDING, Delivery.Status.RETRY],
    ).update(status=Delivery.Status.SENDING, attempts=F("attempts") + 1, next_try_at=now)
    if not claimed:
        return False
    row.refresh_from_db()
    try:
        _send(row)
    except SendProblem as problem:
        _failed(row, problem.code, problem.detail, now)
    except Exception as exc:  # a library's surprise must not stop the other rows
        log.exception("Delivery %s failed unexpectedly", row.pk)
        _failed(row, "unexpected", printable(str(exc)), now)
    else:
        row.status, row.sent_at = Delivery.Status.SENT, now
        row.error_code = row.error_detail = ""
        row.save(update_fields=["status", "sent_at", "error_code", "error_detail"])
    return True


def _failed(row: Delivery, code: str, detail: str, now: datetime) -> None:
    log.warning("%s %s (try %s): %s %s", row.kind, row.occurrence, row.attempts, code, detail)
    row.error_code, row.error_detail = code, detail
    if row.attempts >= settings.NUDGE_ATTEMPTS or row.kind == Delivery.Kind.TEST:
        row.status = Delivery.Status.FAILED
    else:
        row.status = Delivery.Status.RETRY
        wait = settings.NUDGE_RETRY_SECONDS * 2 ** (row.attempts - 1)
        row.next_try_at = now + timedelta(seconds=min(wait, 3600))
    row.save(update_fields=["status", "error_code", "error_detail", "next_try_at"])


def run(now: datetime | None = None) -> int:
    """Record what came due and send what waits; how many were sent or tried."""
    now = now or household.now()
    rows = [item.as_row() for item in due(now)]
    if rows:
        with transaction.atomic():
            Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    stuck = Delivery.objects.filter(
        status=Delivery.Status.SENDING, next_try_at__lt=now - STUCK_AFTER
    )
    stuck.update(status=Delivery.Status.FAILED, error_code="interrupted", error_detail="")
    waiting = Delivery.objects.filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now),
        status__in=[Delivery.Status.PENDING, Delivery.Status.RETRY],
    ).order_by("due_at", "pk")
    return sum(send(row, now) for row in waiting)


def send_test(target: NudgeTarget, now: datetime | None = None) -> Delivery:
    """The admin's "send a test": sent at once, recorded like any nudge."""
    now = now or household.now()
    row = Delivery.objects.create(
        kind=Delivery.Kind.TEST,
        channel=f"target:{target.pk}",
        occurrence=f"test:{now.isoformat()}",
        due_at=now,
        target=target,
        title=_in_each_language(target.language, lambda lang: _("Hibi test")),
        body=_in_each_language(target.language, lambda lang: _("Nudges from Hibi arrive here.")),
    )
    send(row, now)
    row.refresh_from_db()
    return row
