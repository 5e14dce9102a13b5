"""A worker of its own for the hostile-feed corpus (tests/test_hostile_feeds.py).

Run as `python -m tests.hostile_worker` with the corpus's spec on stdin; it
syncs each hostile calendar beside a good one with `calendars.sync_all()`,
as the worker's task does, all in this one process, and prints per case
the problem stored, the seconds taken and the process's peak RSS while it
ran (the peak, VmHWM, is reset before each case through /proc/self/clear_refs,
so each case is measured on its own; where that is refused, the peak so far).
Its database is a fresh SQLite file in DATA_DIR with the tables made from
the models (no migrations to replay: seconds saved, nothing measured lost).
"""

import json
import os
import resource
import sys
import time
from datetime import datetime


def peak_mb() -> float:
    """This process's peak resident set, VmHWM: ru_maxrss would also count the
    parent's resident set at fork (Linux keeps it across exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    return True


def main() -> None:
    spec = json.load(sys.stdin)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)

    from schedule.calendars import subscriptions as calendars
    from schedule.models import CalendarSubscription

    now = datetime.fromisoformat(spec["now"])
    earlier = datetime.fromisoformat(spec["earlier"])
    good = CalendarSubscription.objects.create(name="Good", url=spec["good"])
    calendars.sync(good, earlier)
    baseline = peak_mb()
    per_case = reset_peak()
    results = []
    for case in spec["cases"]:
        settings.CALENDAR_TIMEOUT_SECONDS = case["deadline"]
        hostile = CalendarSubscription.objects.create(name=case["name"], url=spec["old"])
        calendars.sync(hostile, earlier)
        before = sorted(hostile.events.values_list("uid", "title", "start", "start_date"))
        CalendarSubscription.objects.filter(pk=hostile.pk).update(url=case["url"], etag="")
        reset_peak()
        started = time.monotonic()
        calendars.sync_all(now)
        seconds = time.monotonic() - started
        peak = peak_mb()
        hostile.refresh_from_db()
        good.refresh_from_db()
        after = sorted(hostile.events.values_list("uid", "title", "start", "start_date"))
        results.append(
            {
                "case": case["name"],
                "problem": hostile.error_code,
                "detail": hostile.error_detail,
                "events": len(after),
                "old_events_kept": after == before and hostile.last_success_at == earlier,
                "good_feed_synced": good.error_code == "" and good.last_success_at == now,
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(peak, 1),
            }
        )
        # Out of the next runs: each case is synced beside the good feed alone.
        CalendarSubscription.objects.filter(pk=hostile.pk).update(enabled=False)
    json.dump(
        {
            "baseline_rss_mb": round(baseline, 1),
            "peak_is_per_case": per_case,
            "peak_rss_mb": round(max([baseline, *(r["peak_rss_mb"] for r in results)]), 1),
            "cases": results,
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
