"""A tablet's battery, as Fully Kiosk Browser reports it through the wall, and
the webhook its display calls when it crosses a threshold (a smart plug
through Home Assistant: on at 20 %, off at 80 %).

The web server only records the report and queues the call as a Delivery; the
worker sends it like any webhook, so a slow Home Assistant never holds up the
tablet's answer.
"""

from __future__ import annotations

import json
from datetime import datetime

from django.db import transaction

from schedule.common import household
from schedule.family.models import Display
from schedule.nudges.models import Delivery


def threshold_crossed(display: Display, level: int) -> str:
    """ "low" or "high" when this level crosses a threshold not yet called for, else ""."""
    if level <= Display.BATTERY_LOW and display.battery_alert != "low":
        return "low"
    if level >= Display.BATTERY_HIGH and display.battery_alert != "high":
        return "high"
    return ""


def webhook_payload(display: Display, crossed: str, level: int, charging: bool) -> dict:
    """What Home Assistant's webhook trigger reads as trigger.json."""
    return {
        "event": f"battery_{crossed}",
        "source": "hibi",
        "display": display.name,
        "level": level,
        "charging": charging,
    }


def note_battery(display: Display, level: int, charging: bool, now: datetime | None = None) -> str:
    """Record the tablet's battery; queue the display's webhook once per crossing.

    A queryset update, as the heartbeat's: a battery is not a change the walls
    show. Returns the threshold crossed ("low", "high") or "".
    """
    now = now or household.now()
    crossed = threshold_crossed(display, level)
    with transaction.atomic():
        rows = Display.objects.filter(pk=display.pk)
        rows.update(battery_level=level, battery_charging=charging)
        # Two reports at once (a reload during a poll) must not both call it:
        # only the one that moves battery_alert queues the call.
        moved = bool(crossed) and rows.exclude(battery_alert=crossed).update(battery_alert=crossed)
        if moved and display.battery_webhook_url:
            Delivery.objects.create(
                kind=Delivery.Kind.WEBHOOK,
                channel=f"battery:{display.pk}",
                occurrence=f"{crossed}:{now.isoformat()}",
                due_at=now,
                title=f"{display.name}: {level} %",
                body=json.dumps(
                    webhook_payload(display, crossed, level, charging), ensure_ascii=False
                ),
            )
    display.battery_level, display.battery_charging = level, charging
    if moved:
        display.battery_alert = crossed
    return crossed if moved else ""
