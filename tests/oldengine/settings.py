"""The production settings, with the collected static files inside the server's
DATA_DIR, so each old engine's server collects its own and none touches the
repository's staticfiles/ while the rest of the suite runs."""

from config.settings import *  # noqa: F403
from config.settings import DATA_DIR

STATIC_ROOT = DATA_DIR / "static"
