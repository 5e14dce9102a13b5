"""Old tablets: every shipped script is ES5 and the wall's CSS works on Safari 9 / Chrome 49.

The checks run the npm tools installed by `make install-dev` (es-check and
doiuse, pinned in package.json) so that `make test` enforces them, and each
check is shown to catch what it is for.
"""

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

# Each test starts processes of its own (make check leaves them out).
pytestmark = pytest.mark.slow

ROOT = Path(settings.BASE_DIR)
STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
BIN = ROOT / "node_modules" / ".bin"
BROWSERS = ", ".join(json.loads((ROOT / "package.json").read_text())["browserslist"])
# doiuse reports features that the wall's CSS uses only in their old, supported form:
# single-value `overflow` (the partial support is for two values and `clip`), and
# `text-decoration: line-through` (the partial support is for the multi-value shorthand).
CSS_ALLOWED = {"css-overflow", "mdn-text-decoration-shorthand"}
# htmx 1.9 creates a Promise only where `typeof Promise !== "undefined"`.
VENDOR_ALLOWED = ["Promise"]


def tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci` (make install-dev does)")
    return str(path)


def es5_problems(files: list[Path], allowed: list[str] = ()) -> str:
    """es-check's complaint about `files`, or "" when all are ES5."""
    command = [tool("es-check"), "es5", "--checkFeatures", "--noColor", "--noCache"]
    if allowed:
        command += ["--ignore", ",".join(allowed)]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=120
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


def css_problems(files: list[Path]) -> list[str]:
    """doiuse's findings for `files` against package.json's browserslist."""
    result = subprocess.run(
        [tool("doiuse"), "--browsers", BROWSERS, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    findings = [line for line in result.stdout.splitlines() if line.strip()]
    return [
        line
        for line in findings
        if (match := re.search(r"\(([\w-]+)\)$", line)) is None or match.group(1) not in CSS_ALLOWED
    ]


def hand_written_scripts() -> list[Path]:
    return sorted(p for p in STATIC.rglob("*.js") if VENDOR not in p.parents)


def test_every_hand_written_script_is_es5():
    scripts = hand_written_scripts()
    assert STATIC / "kiosk" / "kiosk.js" in scripts
    assert es5_problems(scripts) == ""


def test_the_vendored_htmx_is_es5():
    assert es5_problems(sorted(VENDOR.glob("*.js")), VENDOR_ALLOWED) == ""


def test_the_es5_check_catches_a_const(tmp_path):
    script = tmp_path / "modern.js"
    script.write_text("var ok = 1;\nconst tooNew = 2;\n")
    assert "const" in es5_problems([script])


def test_the_es5_check_catches_es2015_library_calls(tmp_path):
    script = tmp_path / "library.js"
    script.write_text("var done = new Promise(function (resolve) { resolve(1); });\n")
    assert "Promise" in es5_problems([script])


def test_the_walls_css_works_on_old_engines():
    sheets = sorted((STATIC / "kiosk").rglob("*.css"))
    assert sheets
    assert css_problems(sheets) == []


def test_the_css_check_catches_grid(tmp_path):
    sheet = tmp_path / "grid.css"
    sheet.write_text(".wall { display: grid; }\n")
    assert any("css-grid" in line for line in css_problems([sheet]))


def test_the_css_check_catches_sticky_and_flex_gap(tmp_path):
    sheet = tmp_path / "modern.css"
    sheet.write_text(".top { position: sticky; }\n.row { display: flex; gap: 8px; }\n")
    problems = " ".join(css_problems([sheet]))
    assert "css-sticky" in problems
    assert "flexbox-gap" in problems


def test_the_vendored_files_match_their_checksums():
    lines = (VENDOR / "SHA256SUMS").read_text().split("\n")
    sums = dict(reversed(line.split("  ")) for line in lines if line)
    assert set(sums) == {"htmx-1.9.12.es5.js", "htmx.LICENSE"}
    for name, digest in sums.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest


def test_the_vendored_htmx_is_1_9_12_from_its_package():
    script = (VENDOR / "htmx-1.9.12.es5.js").read_text()
    assert script.startswith("/* htmx 1.9.12 ")
    assert 'version:"1.9.12"' in script.replace(" ", "")
    assert "Zero-Clause BSD" in (VENDOR / "htmx.LICENSE").read_text()


def test_the_wall_template_has_no_inline_script():
    template = (ROOT / "templates" / "schedule" / "kiosk.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", template) == []


def test_the_wall_reloads_itself_by_a_fresh_load_not_location_reload():
    # location.reload() asks again for every script of the page; a week's soak
    # on WebKit 602 twice came back from one with a script that never ran
    # (kiosk.js once, watchdog.js once). location.replace() loads the page as
    # it was first loaded; after the change, 14 reloads in a week ran all three.
    for name in ("kiosk.js", "watchdog.js"):
        script = (STATIC / "kiosk" / name).read_text()
        assert "location.replace(" in script, name
        assert "location.reload(" not in script, name
