/* Drive PhantomJS 2.1.1 (WebKit 538) for tests/test_oldengine.py.
 *
 *     phantomjs driver_phantom.js PORT
 *
 * PhantomJS reads stdin only by blocking its event loop, which would stop the
 * page's timers, so this driver listens on 127.0.0.1:PORT instead: each POST
 * carries one JSON command (the same as driver_qt.py's) and gets one JSON
 * answer. It prints {"ready": true} once it listens. ES5, as PhantomJS runs.
 */
var system = require("system");
var fs = require("fs");
var server = require("webserver").create();
var page = require("webpage").create();

var port = system.args[1];
var here = system.args[0].replace(/[^\/]*$/, "");
var prelude = fs.read(here + "prelude.js");
var consoleLog = [];

page.viewportSize = { width: 1024, height: 600 };
page.onInitialized = function () {
  page.evaluateJavaScript("function () {\n" + prelude + "\n}");
};
page.onConsoleMessage = function (message, line) {
  consoleLog.push({ level: 2, text: message, line: line || 0 });
};
/* PhantomJS reports console.error() here too, not only uncaught errors (htmx
 * logs its error events' names that way), so both land on the console list as
 * errors; uncaught ones are also in the prelude's window.__hibi.errors. */
page.onError = function (message, trace) {
  consoleLog.push({ level: 2, text: message, line: trace && trace.length ? trace[0].line : 0 });
};

function answer(response, body) {
  response.statusCode = 200;
  response.setHeader("Content-Type", "application/json");
  response.write(JSON.stringify(body));
  response.close();
}

function run(command, response) {
  var what = command["do"];
  if (what === "open") {
    /* through a blank page, so nothing the last page still says counts against the next */
    page.open("about:blank", function () {
      page.viewportSize = { width: command.width || 1024, height: command.height || 600 };
      consoleLog = [];
      page.open(command.url, function (status) {
        answer(response, { ok: status === "success" });
      });
    });
  } else if (what === "js") {
    var raw = page.evaluateJavaScript(
      "function () { return JSON.stringify((function () {" + command.body + "})()); }"
    );
    answer(response, { value: typeof raw === "string" ? JSON.parse(raw) : null });
  } else if (what === "shot") {
    var box = command.box;
    page.clipRect = box
      ? { left: box[0], top: box[1], width: box[2], height: box[3] }
      : { left: 0, top: 0, width: page.viewportSize.width, height: page.viewportSize.height };
    page.render(command.path);
    answer(response, { ok: true });
  } else if (what === "resize") {
    page.viewportSize = { width: command.width, height: command.height };
    setTimeout(function () { answer(response, { ok: true }); }, 300);
  } else if (what === "tap") {
    /* a click at a point of the page, as driver_qt.py's tap through the window system */
    page.sendEvent("click", Math.round(command.x), Math.round(command.y), "left");
    setTimeout(function () { answer(response, { ok: true }); }, 50);
  } else if (what === "console") {
    answer(response, { value: consoleLog });
  } else if (what === "wait") {
    setTimeout(function () { answer(response, { ok: true }); }, command.seconds * 1000);
  } else if (what === "quit") {
    answer(response, { ok: true });
    setTimeout(function () { phantom.exit(0); }, 50);
  } else {
    answer(response, { error: "unknown command " + what });
  }
}

server.listen("127.0.0.1:" + port, function (request, response) {
  try {
    run(JSON.parse(request.postRaw || request.post), response);
  } catch (error) {
    answer(response, { error: String(error) });
  }
});
console.log(JSON.stringify({ ready: true, engine: "phantomjs" }));
