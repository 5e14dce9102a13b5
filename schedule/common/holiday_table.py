"""The household's public holidays as a plain table, computed outside the server.

The `holidays` package knows every country's rules, and importing any part
of it costs ~20 MB per process (its package imports every calendar it has:
Islamic, Hindu, Chinese, Tibetan...; asking for a country imports all ~250
countries, another ~24 MB). Hibi needs one country's dates and names, in
Japanese and English, for the years a chore can have (1970–2100): some 2,000
rows. So a short-lived child process (`python -m schedule.common.holiday_table JP`)
asks the package and prints the table, the server keeps only the table, and
the table is kept in DATA_DIR for the next start (it changes only with the
country and the package's version).

This module imports nothing heavy at the top: settings use `country_codes()`
to check HOLIDAY_COUNTRY without loading the package either.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)

FIRST_YEAR = 1970
LAST_YEAR = 2100
# Each row: ISO date, Japanese name, English name.
Table = dict[date, tuple[str, str]]


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def country_codes() -> dict[str, tuple[str, str]]:
    """Every code the package knows ("JP", "JPN"), with its module and class names.

    Read from the package's registry (the table its own lazy loader uses) as
    text: importing the registry would import the whole package.
    """
    folder = _package_dir()
    if folder is not None:
        with contextlib.suppress(OSError, SyntaxError, ValueError, StopIteration):
            tree = ast.parse((folder / "registry.py").read_text(encoding="utf-8"))
            node = next(
                n
                for n in tree.body
                if isinstance(n, (ast.Assign, ast.AnnAssign))
                and any(
                    isinstance(t, ast.Name) and t.id == "COUNTRIES"
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                )
            )
            assert node.value is not None
            return _codes(ast.literal_eval(node.value))
    from holidays.registry import COUNTRIES  # a package laid out otherwise: the slow way

    return _codes(COUNTRIES)


def _codes(countries: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, str]]:
    return {
        code: (module, names[0])
        for module, names in countries.items()
        for code in names[1:]
        if 2 <= len(code) <= 3
    }


def compute(country: str) -> Table:
    """Ask the holidays package (in this process): only the child should call this."""
    import holidays

    module_name, class_name = country_codes()[country]
    path = Path(holidays.__file__).parent / "countries" / f"{module_name}.py"
    # The country's own module, without holidays.countries' __init__ (which
    # imports every country); one that reaches for another country still works.
    spec = importlib.util.spec_from_file_location(f"holidays.countries.{module_name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    country_class = getattr(module, class_name)
    supported = getattr(country_class, "supported_languages", ()) or ()

    def language(wanted: tuple[str, ...]) -> str | None:
        return next((code for code in wanted if code in supported), None)

    years = range(FIRST_YEAR, LAST_YEAR + 1)
    ja = country_class(years=years, language=language(("ja",)))
    en = country_class(years=years, language=language(("en_US", "en_GB", "en")))
    return {day: (ja.get(day) or "", en.get(day) or "") for day in sorted(ja)}


def _version() -> str:
    try:
        return importlib.metadata.version("holidays")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _cache_file(country: str, folder: Path | None) -> Path | None:
    if folder is None:
        return None
    return folder / "cache" / f"holidays-{country}-{_version()}-{FIRST_YEAR}-{LAST_YEAR}.json"


def _decode(text: str) -> Table:
    """Each holiday's (Japanese, English) names are kept once, not once per year:
    some 2,200 days share a few dozen pairs, and every worker holds the table
    (380 KB less each)."""
    pairs: dict[tuple[str, str], tuple[str, str]] = {}
    return {
        date.fromisoformat(day): pairs.setdefault((ja, en), (ja, en))
        for day, ja, en in json.loads(text)
    }


def _encode(table: Table) -> str:
    return json.dumps([[day.isoformat(), ja, en] for day, (ja, en) in table.items()])


def load(country: str, cache_dir: Path | None = None) -> Table:
    """The table for `country`: from DATA_DIR's cache, else from a child process."""
    if country not in country_codes():
        raise ValueError(f"the holidays package knows no country {country!r}")
    cached = _cache_file(country, cache_dir)
    if cached is not None:
        with contextlib.suppress(OSError, ValueError, TypeError):
            return _decode(cached.read_text(encoding="utf-8"))
    child = subprocess.run(
        [sys.executable, "-m", "schedule.common.holiday_table", country],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    if child.returncode != 0:
        raise RuntimeError(f"holidays of {country} could not be computed: {child.stderr[-500:]}")
    text = child.stdout.strip()
    table = _decode(text)
    if cached is not None:
        # Best effort: a read-only DATA_DIR costs the next start a second of CPU.
        with contextlib.suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(
                "w", dir=cached.parent, delete=False, encoding="utf-8", suffix=".tmp"
            ) as out:
                out.write(text)
            os.replace(out.name, cached)
    return table


if __name__ == "__main__":
    print(_encode(compute(sys.argv[1])))
