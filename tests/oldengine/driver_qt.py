"""Drive one old Qt browser engine for tests/test_oldengine.py and bench/tablet.py.

Runs under Debian's /usr/bin/python3.11 inside an engine's venv (see
scripts/old_engines.py): QtWebEngine from a PyQt5 wheel (Chromium 49-61) or
Debian's QtWebKit. The other side writes one JSON command per line on stdin and
reads one JSON answer per line on stdout:

    {"do": "open", "url": ..., "width": 1024, "height": 600}  -> {"ok": true}
    {"do": "js", "body": "return document.title"}             -> {"value": ...}
    {"do": "shot", "path": ..., "box": [x, y, w, h]?}         -> {"ok": true}
    {"do": "resize", "width": ..., "height": ...}             -> {"ok": true}
    {"do": "tap", "x": ..., "y": ...}                          -> {"ok": true}
    {"do": "console"}                                          -> {"value": [messages]}
    {"do": "quit"}

Qt's event loop runs between commands (stdin is watched by a QSocketNotifier),
so the page's timers and polls go on while the other side waits. Before any of
the page's scripts, every document gets PRELUDE: it records uncaught errors and
htmx's error events, and lets the other side move the page's clock forward
(see prelude.js).

Written for Python 3.11 and PyQt5 5.7 to 5.15.
"""

import json
import os
import sys
import time

from PyQt5.QtCore import QEventLoop, QPoint, QSocketNotifier, Qt, QTimer, QUrl
from PyQt5.QtTest import QTest
from PyQt5.QtWidgets import QApplication

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "prelude.js")) as source:
    PRELUDE = source.read()


def out(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class Engine:
    """What both Qt engines do the same way: the window, the console, the commands."""

    def __init__(self, app):
        self.app = app
        self.console = []
        self.view = None

    def wait(self, done, timeout):
        """Run Qt's event loop until done() is true or `timeout` seconds pass."""
        deadline = time.monotonic() + timeout
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(loop.quit)
        timer.start(20)
        while not done() and time.monotonic() < deadline:
            loop.exec_()
        timer.stop()
        return done()

    def resize(self, width, height):
        self.view.resize(width, height)
        self.wait(lambda: False, 0.3)  # let layout and paint catch up

    def shot(self, path, box=None):
        self.wait(lambda: False, 0.2)
        image = self.app.primaryScreen().grabWindow(int(self.view.winId()))
        if box:
            image = image.copy(*box)
        image.save(path)

    def input_widget(self):
        return self.view

    def tap(self, x, y):
        """A finger's tap as the engine gets it from the window system: the pointer
        moves there, presses and lets go, at a point of the window; what the page
        does with it (hit testing, focus, click) is the engine's own business."""
        target = self.input_widget()
        point = QPoint(round(x), round(y))
        QTest.mouseMove(target, point)
        self.wait(lambda: False, 0.02)
        QTest.mousePress(target, Qt.LeftButton, Qt.NoModifier, point)
        self.wait(lambda: False, 0.05)
        QTest.mouseRelease(target, Qt.LeftButton, Qt.NoModifier, point)

    def run(self, command):
        what = command["do"]
        if what == "open":
            # Through a blank page, so nothing the last page still says (an
            # aborted poll's error) is counted against the next one.
            self.open("about:blank")
            self.resize(command.get("width", 1024), command.get("height", 600))
            self.console = []
            return {"ok": self.open(command["url"])}
        if what == "js":
            source = "JSON.stringify((function () {" + command["body"] + "})())"
            raw = self.js(source)
            return {"value": json.loads(raw) if isinstance(raw, str) else None}
        if what == "shot":
            self.shot(command["path"], command.get("box"))
            return {"ok": True}
        if what == "resize":
            self.resize(command["width"], command["height"])
            return {"ok": True}
        if what == "tap":
            self.tap(command["x"], command["y"])
            return {"ok": True}
        if what == "console":
            return {"value": list(self.console)}
        if what == "wait":
            self.wait(lambda: False, command["seconds"])
            return {"ok": True}
        raise ValueError("unknown command " + what)


class WebEngine(Engine):
    def __init__(self, app):
        super().__init__(app)
        from PyQt5.QtWebEngineWidgets import (
            QWebEnginePage,
            QWebEngineProfile,
            QWebEngineScript,
            QWebEngineView,
        )

        engine = self

        class Page(QWebEnginePage):
            def javaScriptConsoleMessage(self, level, message, line, source):
                engine.console.append({"level": int(level), "text": message, "line": line})

        # An off-the-record profile: no cookie or cache survives the process,
        # and parallel engines share no files.
        self.profile = QWebEngineProfile()
        self.page = Page(self.profile, None)
        script = QWebEngineScript()
        script.setName("hibi-prelude")
        script.setSourceCode(PRELUDE)
        script.setInjectionPoint(QWebEngineScript.DocumentCreation)
        script.setWorldId(QWebEngineScript.MainWorld)
        self.page.scripts().insert(script)
        self.view = QWebEngineView()
        self.view.setPage(self.page)
        self.view.setWindowFlags(Qt.FramelessWindowHint)
        self.view.move(0, 0)
        self.view.show()

    def input_widget(self):
        # Chromium draws into a child widget of the view, and takes input there.
        return self.view.focusProxy() or self.view

    def open(self, url):
        state = {}
        self.page.loadFinished.connect(lambda ok: state.setdefault("ok", ok))
        self.page.load(QUrl(url))
        self.wait(lambda: "ok" in state, 30)
        self.page.loadFinished.disconnect()
        return bool(state.get("ok"))

    def js(self, source):
        state = {}
        self.page.runJavaScript(source, lambda value: state.setdefault("value", value))
        self.wait(lambda: "value" in state, 15)
        return state.get("value")


class WebKit(Engine):
    def __init__(self, app):
        super().__init__(app)
        from PyQt5.QtWebKitWidgets import QWebPage, QWebView

        engine = self

        class Page(QWebPage):
            def javaScriptConsoleMessage(self, message, line, source):
                engine.console.append({"level": 2, "text": message, "line": line})

        self.page = Page()
        self.frame = self.page.mainFrame()
        self.frame.javaScriptWindowObjectCleared.connect(
            lambda: self.frame.evaluateJavaScript(PRELUDE)
        )
        self.view = QWebView()
        self.view.setPage(self.page)
        self.view.setWindowFlags(Qt.FramelessWindowHint)
        self.view.move(0, 0)
        self.view.show()

    def open(self, url):
        state = {}
        self.page.loadFinished.connect(lambda ok: state.setdefault("ok", ok))
        self.frame.load(QUrl(url))
        self.wait(lambda: "ok" in state, 30)
        self.page.loadFinished.disconnect()
        return bool(state.get("ok"))

    def js(self, source):
        return self.frame.evaluateJavaScript(source)


def main():
    kind = sys.argv[1]
    if kind == "webengine":
        import PyQt5.QtWebEngineWidgets  # noqa: F401  (before the application, as Qt requires)
    # Chromium reads its switches from the arguments too; some (precise memory
    # figures) only reach the page process from there.
    app = QApplication([sys.argv[0], *os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()])
    engine = WebEngine(app) if kind == "webengine" else WebKit(app)
    busy = []

    def on_input():
        if busy:
            return
        line = sys.stdin.readline()
        if not line:
            app.quit()
            return
        command = json.loads(line)
        if command["do"] == "quit":
            out({"ok": True})
            app.quit()
            return
        busy.append(True)
        try:
            answer = engine.run(command)
        except Exception as error:  # the test reports it; the engine stays usable
            answer = {"error": f"{type(error).__name__}: {error}"}
        busy.pop()
        out(answer)

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Read)
    notifier.activated.connect(on_input)
    out({"ready": True, "engine": kind})
    app.exec_()


if __name__ == "__main__":
    main()
