"""The worker's weather: fetch the family's forecast and warnings, keep the last good ones.

Every WEATHER_SYNC_MINUTES the worker calls `sync()`. The warnings are asked
each time (what is in force at 7:00 decides the morning), the forecast only
when JMA has published a new one since the last fetch (at 5:00, 11:00 and
17:00) or the kept one is WEATHER_FORECAST_HOURS old. Both go through the
calendars' bounded fetch (calendars/fetch.py): one deadline for the two
documents together, WEATHER_MAX_KB each (counted as they arrive and once
gzip is undone), http(s) only and a few redirects; an unchanged document
costs a 304. A document that cannot be read, a server that fails, no network
at all: the last good forecast and warnings stay, the problem is stored for
the admin, and nothing is raised.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from schedule.calendars.fetch import Deadline, SyncProblem, fetch
from schedule.common.models import Revision, counted_once
from schedule.weather import jma, openmeteo
from schedule.weather.documents import Forecast, Warnings
from schedule.weather.models import Provider, WeatherPlace, WeatherReport

log = logging.getLogger(__name__)

USER_AGENT = "Hibi family schedule (weather for one household)"
ACCEPT = "application/json, */*;q=0.5"
JAPAN = ZoneInfo("Asia/Tokyo")
# JMA publishes forecasts at 5, 11 and 17 o'clock Japan time; a few minutes
# later the new document is there.
RELEASES = (time(5, 10), time(11, 10), time(17, 10))
# Warnings are kept this long: what was in force at 7:00 yesterday can still be told.
KEEP_WARNINGS = timedelta(days=3)


def sync(now: datetime | None = None, force: bool = False) -> list[str]:
    """Fetch what is due; the names of the documents read. Never raises for the network."""
    now = now or timezone.now()
    place = WeatherPlace.load()
    if place is None or not place.enabled:
        return []
    deadline = Deadline(settings.WEATHER_TIMEOUT_SECONDS)
    read, problems = [], []
    jobs = [("forecast", _sync_forecast)]
    if place.has_warnings:
        jobs.append(("warnings", _sync_warnings))
    for name, job in jobs:
        try:
            if job(place, now, deadline, force):
                read.append(name)
        except SyncProblem as problem:
            log.warning("Weather %s: %s", name, problem)
            problems.append(problem)
    fields: dict[str, object] = {"last_fetch_at": now}
    if problems:
        fields.update(error_code=problems[0].code, error_detail=problems[0].detail)
    else:
        fields.update(last_success_at=now, error_code="", error_detail="")
    WeatherPlace.objects.filter(pk=place.pk).update(**fields)
    _prune(now)
    return read


def forecast_due(place: WeatherPlace, now: datetime) -> bool:
    checked = (
        WeatherReport.objects.filter(kind=WeatherReport.Kind.FORECAST, place=place.forecast_key)
        .values_list("checked_at", flat=True)
        .first()
    )
    if checked is None or now - checked >= timedelta(hours=settings.WEATHER_FORECAST_HOURS):
        return True
    if place.provider != Provider.JMA:
        return False
    local = now.astimezone(JAPAN)
    for day in (local.date() - timedelta(days=1), local.date()):
        for release in RELEASES:
            published = datetime.combine(day, release, JAPAN)
            if checked < published <= now:
                return True
    return False


def _get(url: str, etag: str, modified: str, deadline: Deadline):
    return fetch(
        url,
        etag,
        modified,
        deadline,
        max_bytes=settings.WEATHER_MAX_KB * 1024,
        accept=ACCEPT,
        user_agent=USER_AGENT,
    )


def _sync_forecast(place: WeatherPlace, now: datetime, deadline: Deadline, force: bool) -> bool:
    if not force and not forecast_due(place, now):
        return False
    if place.provider == Provider.OPEN_METEO:
        assert place.latitude is not None and place.longitude is not None
        url = openmeteo.forecast_url(
            float(place.latitude), float(place.longitude), settings.TIME_ZONE
        )
        fetched = _get(url, "", "", deadline)  # computed afresh each hour: no ETag
    else:
        url = jma.forecast_url(place.office)
        fetched = _get(url, place.forecast_etag, place.forecast_modified, deadline)
    key = place.forecast_key
    if fetched.body is None:  # 304: the kept one is still the newest
        WeatherReport.objects.filter(kind=WeatherReport.Kind.FORECAST, place=key).update(
            checked_at=now
        )
        return True
    if place.provider == Provider.OPEN_METEO:
        forecast = openmeteo.parse_forecast(fetched.body, now)
    else:
        forecast = jma.parse_forecast(fetched.body, place.area, place.point)
    _keep_forecast(key, forecast, now)
    WeatherPlace.objects.filter(pk=place.pk).update(
        forecast_etag=fetched.etag[:300], forecast_modified=fetched.last_modified[:100]
    )
    return True


def _keep_forecast(key: str, forecast: Forecast, now: datetime) -> None:
    """Only the newest forecast is kept. A new one is a change the walls show
    (WeatherReport.shown); a fetch that finds the same one only notes the time
    (a quiet field), as a calendar's fetch does."""
    data = forecast.as_json()
    reports = WeatherReport.objects.filter(kind=WeatherReport.Kind.FORECAST)
    with transaction.atomic(), counted_once():
        Revision.lock()
        kept = reports.filter(place=key).order_by("-reported_at").first()
        if kept is not None and forecast.reported_at < kept.reported_at:
            return  # a cache on the way served an older one: keep the newer
        if kept is not None and kept.reported_at == forecast.reported_at and kept.data == data:
            reports.filter(pk=kept.pk).update(checked_at=now)
            return
        reports.delete()  # every older one, another place's too
        WeatherReport.objects.create(
            kind=WeatherReport.Kind.FORECAST,
            place=key,
            reported_at=forecast.reported_at,
            checked_at=now,
            data=data,
        )


def _sync_warnings(place: WeatherPlace, now: datetime, deadline: Deadline, force: bool) -> bool:
    fetched = _get(
        jma.warnings_url(place.office), place.warnings_etag, place.warnings_modified, deadline
    )
    key = place.warnings_key
    reports = WeatherReport.objects.filter(kind=WeatherReport.Kind.WARNINGS, place=key)
    if fetched.body is None:
        newest = reports.order_by("-reported_at").values_list("pk", flat=True)[:1]
        reports.filter(pk__in=list(newest)).update(checked_at=now)
        return True
    areas = tuple(code for code in (place.city, place.area) if code)
    warnings = jma.parse_warnings(fetched.body, areas)
    _keep_warnings(key, warnings, now)
    WeatherPlace.objects.filter(pk=place.pk).update(
        warnings_etag=fetched.etag[:300], warnings_modified=fetched.last_modified[:100]
    )
    return True


def _keep_warnings(key: str, warnings: Warnings, now: datetime) -> None:
    """Each change of what is in force is kept (a few days), so what was in
    force at any recent moment can be told. JMA reissues its office's report
    whenever any of its areas changes: a report that leaves the family's area
    as it was only confirms the kept one (its checked_at, a quiet field), so
    the walls redraw when, and only when, what they show changed."""
    data = warnings.as_json()
    reports = WeatherReport.objects.filter(kind=WeatherReport.Kind.WARNINGS, place=key)
    with transaction.atomic(), counted_once():
        Revision.lock()
        newest = reports.order_by("-reported_at").first()
        if newest is not None and warnings.reported_at < newest.reported_at:
            return  # a cache on the way served an older one
        if newest is not None and (
            newest.reported_at == warnings.reported_at
            or newest.data.get("in_force") == data["in_force"]
        ):
            reports.filter(pk=newest.pk).update(checked_at=now)
            return
        WeatherReport.objects.create(
            kind=WeatherReport.Kind.WARNINGS,
            place=key,
            reported_at=warnings.reported_at,
            checked_at=now,
            data=data,
        )


def _prune(now: datetime) -> None:
    old = WeatherReport.objects.filter(
        kind=WeatherReport.Kind.WARNINGS, reported_at__lt=now - KEEP_WARNINGS
    )
    newest = (
        WeatherReport.objects.filter(kind=WeatherReport.Kind.WARNINGS)
        .order_by("-reported_at")
        .values_list("pk", flat=True)[:1]
    )
    try:
        old.exclude(pk__in=list(newest)).delete()
    except DatabaseError as exc:  # a locked database: the next sync prunes
        log.warning("Old warnings not pruned: %s", exc)
