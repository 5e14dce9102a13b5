"""bench.settings (the churn middleware, fast polls) with the collected static
files inside the server's DATA_DIR, as the old-engine harness serves them."""

from bench.settings import *  # noqa: F403
from config.settings import DATA_DIR

STATIC_ROOT = DATA_DIR / "static"
