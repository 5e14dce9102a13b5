"""Make Hibi's JMA tables from JMA's own lists: the areas a parent chooses from
and the weather codes' pictures.

    .venv/bin/python scripts/jma_tables.py AREA_JSON [WEATHER_CODES_JSON]

AREA_JSON is a copy of https://www.jma.go.jp/bosai/common/const/area.json
(259,545 bytes when this was written); WEATHER_CODES_JSON a copy of the
weather-code table (default tests/fixtures/jma/weatherCodes.json, see its
README for where it comes from). The results are committed:

- schedule/weather/jma_areas.json: every forecast office, every class10 area
  (the forecast's areas, 東京地方) with its office, and every class20 area
  (the municipalities warnings are issued for, 港区) with its class10 area,
  each with its Japanese and English name. Only what the admin's choices and
  their checks need: a fifth of area.json.
- schedule/weather/jma_weather_codes.py: each weather code's group (100 sun,
  200 cloud, 300 rain, 400 snow) and its labels.

Run `ruff format` on the module afterwards; the two then come out the same
from the same files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AREAS = ROOT / "schedule" / "weather" / "jma_areas.json"
CODES = ROOT / "schedule" / "weather" / "jma_weather_codes.py"
DEFAULT_CODES = ROOT / "tests" / "fixtures" / "jma" / "weatherCodes.json"


def areas(source: dict) -> dict:
    class15_parent = {code: row["parent"] for code, row in source["class15s"].items()}
    return {
        "source": "https://www.jma.go.jp/bosai/common/const/area.json",
        "offices": {
            code: [row["name"], row.get("enName", "")]
            for code, row in sorted(source["offices"].items())
        },
        "class10s": {
            code: [row["name"], row.get("enName", ""), row["parent"]]
            for code, row in sorted(source["class10s"].items())
        },
        "class20s": {
            code: [row["name"], row.get("enName", ""), class15_parent[row["parent"]]]
            for code, row in sorted(source["class20s"].items())
            if row.get("parent") in class15_parent
        },
    }


def codes_module(table: dict) -> str:
    lines = [
        '"""JMA\'s weather codes: each code\'s group and labels (made by scripts/jma_tables.py).',
        "",
        "From a third-party copy of the TELOPS table in JMA's forecast page script",
        "(tests/fixtures/jma/README.md says which); JMA publishes no other copy, so",
        "this is not verified against an official document. The group is what the",
        'wall draws: "100" sun, "200" cloud, "300" rain, "400" snow.',
        '"""',
        "",
        "# code: (group, Japanese label, English label)",
        "WEATHER_CODES: dict[str, tuple[str, str, str]] = {",
    ]
    for code in sorted(table, key=int):
        _day, _night, group, ja, en = table[code]
        english = " ".join(en.replace(",", ", ").split()).capitalize()
        text = ", ".join(json.dumps(value, ensure_ascii=False) for value in (group, ja, english))
        lines.append(f"    {json.dumps(code)}: ({text}),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> None:
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    source = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    AREAS.write_text(
        json.dumps(areas(source), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        + "\n",
        encoding="utf-8",
    )
    codes = Path(sys.argv[2]) if len(sys.argv) == 3 else DEFAULT_CODES
    CODES.write_text(codes_module(json.loads(codes.read_text(encoding="utf-8"))), "utf-8")
    print(f"{AREAS.relative_to(ROOT)} ({AREAS.stat().st_size} bytes), {CODES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
