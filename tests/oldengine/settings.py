"""The production settings, with the collected static files outside the
repository (HIBI_STATIC_ROOT, else inside DATA_DIR), so the old engines' servers
never touch staticfiles/ while the rest of the suite runs."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403
from config.settings import DATA_DIR

STATIC_ROOT = Path(os.environ.get("HIBI_STATIC_ROOT") or DATA_DIR / "static")
