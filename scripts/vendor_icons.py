"""Copy the household icons from the Tabler Icons npm package into static/icons/.

Run after `npm ci`:  .venv/bin/python scripts/vendor_icons.py
The result is committed; running it again with the same package version
writes the same bytes. Which picture each of our names uses is decided in
schedule/icons.py, not here.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schedule.common.icons import ICONS  # noqa: E402

PACKAGE = ROOT / "node_modules" / "@tabler" / "icons"
SOURCE = PACKAGE / "icons" / "outline"
TARGET = ROOT / "static" / "icons"
STROKE = (
    'fill="none" stroke="currentColor" stroke-width="2" '
    'stroke-linecap="round" stroke-linejoin="round"'
)
# Tabler draws an invisible 24×24 square in every icon to fix the bounding box.
BOUNDING_BOX = re.compile(r'<path stroke="none" d="M0 0h24v24H0z" fill="none"\s*/>')
INNER = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


def shapes(source_name: str) -> str:
    text = (SOURCE / f"{source_name}.svg").read_text()
    match = INNER.search(text)
    if match is None:
        raise SystemExit(f"{source_name}.svg: no <svg> element")
    inner = BOUNDING_BOX.sub("", match.group(1))
    return re.sub(r"\s+", " ", inner).replace("> <", "><").strip()


def main() -> None:
    version = json.loads((PACKAGE / "package.json").read_text())["version"]
    if TARGET.exists():
        for old in TARGET.glob("*.svg"):
            old.unlink()
    TARGET.mkdir(parents=True, exist_ok=True)
    symbols = []
    for name, (source_name, _label) in ICONS.items():
        inner = shapes(source_name)
        (TARGET / f"{name}.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" '
            f'viewBox="0 0 24 24" {STROKE}>{inner}</svg>\n'
        )
        symbols.append(f'<symbol id="{name}" viewBox="0 0 24 24"><g {STROKE}>{inner}</g></symbol>')
    (TARGET / "sprite.svg").write_text(
        f"<!-- Tabler Icons {version} (MIT, see LICENSE); made by scripts/vendor_icons.py -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
    )
    shutil.copyfile(PACKAGE / "LICENSE", TARGET / "LICENSE")
    print(f"{len(symbols)} icons from Tabler Icons {version} -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
