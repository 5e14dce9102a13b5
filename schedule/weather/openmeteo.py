"""Open-Meteo's keyless forecast, for a family outside Japan (api.open-meteo.com).

One request for the coming days at the family's latitude and longitude, daily
values only, in the household's time zone. It has no warnings. The shape read
(`daily.time`, `daily.weather_code`, `temperature_2m_max/min`,
`precipitation_probability_max`) is Open-Meteo's documented one; the test's
document is written by hand in that shape, not recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from schedule.calendars.fetch import SyncProblem
from schedule.weather import documents
from schedule.weather.documents import CLOUD, RAIN, SNOW, SUN, DayForecast, Forecast

BASE = "https://api.open-meteo.com/v1/forecast"
DAILY = "weather_code,temperature_2m_max,temperature_2m_min,precipitation_probability_max"


def forecast_url(latitude: float, longitude: float, zone: str) -> str:
    query = urlencode(
        {
            "latitude": f"{latitude:.4f}",
            "longitude": f"{longitude:.4f}",
            "daily": DAILY,
            "timezone": zone,
            "forecast_days": 3,
        }
    )
    return f"{BASE}?{query}"


def picture(code: int) -> str:
    """WMO weather interpretation codes, as Open-Meteo documents them."""
    if code in (0, 1):
        return SUN
    if code in (2, 3, 45, 48):
        return CLOUD
    if 51 <= code <= 67 or 80 <= code <= 82 or 95 <= code <= 99:
        return RAIN
    if 71 <= code <= 77 or code in (85, 86):
        return SNOW
    return ""


def parse_forecast(body: bytes, fetched_at: datetime) -> Forecast:
    """Open-Meteo says when it computed the forecast only in milliseconds taken:
    the report's time is when it was fetched."""
    doc = documents.read_json(body)
    daily = doc.get("daily") if isinstance(doc, dict) else None
    if not isinstance(daily, dict) or not isinstance(daily.get("time"), list):
        raise SyncProblem("not_weather", "not an Open-Meteo forecast (no daily.time)")
    days = []
    for n, value in enumerate(daily["time"]):
        try:
            day = date.fromisoformat(str(value))
        except ValueError:
            continue
        code = _at(daily.get("weather_code"), n)
        number = code if isinstance(code, int) and not isinstance(code, bool) else None
        days.append(
            DayForecast(
                date=day,
                picture=picture(number) if number is not None else "",
                code=str(number) if number is not None else "",
                high=documents.whole(_at(daily.get("temperature_2m_max"), n)),
                low=documents.whole(_at(daily.get("temperature_2m_min"), n)),
                rain_chance=documents.percent(_at(daily.get("precipitation_probability_max"), n)),
            )
        )
    if not days:
        raise SyncProblem("not_weather", "no days in the forecast")
    return Forecast(fetched_at, tuple(days))


def _at(values: Any, n: int) -> Any:
    return values[n] if isinstance(values, list) and n < len(values) else None
