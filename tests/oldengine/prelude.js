/* Runs in every document the old engines open, before the page's own scripts
 * (tests/oldengine/driver_qt.py and driver_phantom.js inject it).
 *
 * - window.__hibi.errors: uncaught errors (window.onerror);
 * - window.__hibi.events: htmx's error events and swaps, in order, so a test can
 *   tell a swapError or a refused request from a quiet page; each with the
 *   real time it happened (`at`), as are taps (`taps`: a finger or a click on
 *   the page) and the chime asked to play (`plays`) or playing (`playing`);
 * - Date.now() runs window.__hibiShift ms ahead once a test moves the clock:
 *   the wall's script reads time only through Date.now(), so a jump crosses a
 *   block's end or midnight at once, as the minutes passing would; with
 *   "#tablet=-8000" in the address the tablet's own clock starts 8 s behind
 *   the server's, as a real tablet's is a few seconds off;
 * - window.__hibi.live(): what the page holds on to: intervals running,
 *   timeouts waiting, the document's nodes, and event listeners on the window
 *   and the document (globalListeners) and on them and the nodes in it
 *   (listeners; those on nodes the page threw away go with them), so a soak
 *   can tell a leak from a page that keeps its timers in hand;
 * - with "#bench" in the address, events are only counted (swaps), so a long
 *   soak measures the wall's memory, not this record's;
 * - with "#emulate=safari9" in the address, the page gets what Safari 9.0
 *   lacks: DOMParser answers "text/html" with null and there is no URL
 *   constructor, so any engine can show what such an iPad would do;
 * - with "#fully" in the address, a stand-in for Fully Kiosk Browser's
 *   JavaScript interface (window.fully): a battery at window.__hibi.fully.level
 *   (57) and plugged in (.plugged), and what the page asked of it: the screen
 *   turned off or on (.screen, "off"/"on" in order) and text spoken (.spoken,
 *   [text, locale] in order).
 *
 * ES5 only: PhantomJS 2.1 runs it too.
 */
(function () {
  if (window.__hibi) {
    return;
  }
  var realNow = Date.now;
  var record = { errors: [], events: [], swaps: 0, taps: [], plays: [], playing: [] };
  /* The test's wishes ride in the address's #. The page's own reload loads
   * its address without one (kiosk.js), so they are kept for the tab in
   * sessionStorage and a load with no # takes them from there; a test's own
   * load always has one (Session.open gives "#open" for no wishes). */
  var wishes = location.hash;
  try {
    if (wishes) {
      window.sessionStorage.setItem("hibi-test-wishes", wishes);
    } else {
      wishes = window.sessionStorage.getItem("hibi-test-wishes") || "";
    }
  } catch (e) {}
  var quiet = /[#&]bench(&|$)/.test(wishes);
  var tablet = /[#&]tablet=(-?\d+)(&|$)/.exec(wishes);
  window.__hibi = record;
  window.__hibiShift = tablet ? parseInt(tablet[1], 10) : 0;
  if (/[#&]emulate=safari9(&|$)/.test(wishes)) {
    var ownParse = DOMParser.prototype.parseFromString;
    DOMParser.prototype.parseFromString = function (markup, type) {
      return /html/i.test(type) ? null : ownParse.apply(this, arguments);
    };
    window.URL = undefined;
    record.emulated = "safari9";
  }
  if (/[#&]fully(&|$)/.test(wishes)) {
    var kiosk = record.fully = { level: 57, plugged: true, screen: [], spoken: [] };
    window.fully = {
      getBatteryLevel: function () { return kiosk.level; },
      isPlugged: function () { return kiosk.plugged; },
      turnScreenOff: function () { kiosk.screen.push("off"); },
      turnScreenOn: function () { kiosk.screen.push("on"); },
      textToSpeech: function (text, locale) { kiosk.spoken.push([text, locale]); }
    };
  }
  Date.now = function () {
    return realNow.call(Date) + window.__hibiShift;
  };
  window.onerror = function (message, source, line) {
    record.errors.push(String(message) + " (" + source + ":" + line + ")");
  };

  /* Timers and listeners, counted as they come and go. */
  var timeouts = {}, waiting = 0, intervals = {}, running = 0;
  var setTimeoutOf = window.setTimeout, clearTimeoutOf = window.clearTimeout;
  var setIntervalOf = window.setInterval, clearIntervalOf = window.clearInterval;
  window.setTimeout = function (fn, ms) {
    var rest = Array.prototype.slice.call(arguments, 2);
    var id = setTimeoutOf.call(window, function () {
      if (timeouts[id]) {
        delete timeouts[id];
        waiting -= 1;
      }
      return typeof fn === "function" ? fn.apply(window, rest) : undefined;
    }, ms);
    timeouts[id] = true;
    waiting += 1;
    return id;
  };
  window.clearTimeout = function (id) {
    if (timeouts[id]) {
      delete timeouts[id];
      waiting -= 1;
    }
    return clearTimeoutOf.call(window, id);
  };
  window.setInterval = function () {
    var id = setIntervalOf.apply(window, arguments);
    intervals[id] = true;
    running += 1;
    return id;
  };
  window.clearInterval = function (id) {
    if (intervals[id]) {
      delete intervals[id];
      running -= 1;
    }
    return clearIntervalOf.call(window, id);
  };
  /* The chime: asked to play (by the wall's script), and really playing. */
  if (window.HTMLMediaElement) {
    var play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function () {
      record.plays.push(realNow.call(Date));
      return play.apply(this, arguments);
    };
  }
  document.addEventListener("playing", function () {
    record.playing.push(realNow.call(Date));
  }, true);
  function tapped() {
    if (!quiet) {
      record.taps.push(realNow.call(Date));
    }
  }
  document.addEventListener("mousedown", tapped, true);
  document.addEventListener("touchstart", tapped, true);

  var watched = [
    "htmx:swapError", "htmx:onLoadError", "htmx:invalidPath", "htmx:targetError",
    "htmx:responseError", "htmx:sendError", "htmx:sendAbort", "htmx:timeout",
    "htmx:badResponseUrl", "htmx:syntax:error", "htmx:beforeSend", "htmx:afterSwap"
  ];
  function note(evt) {
    if (evt.type === "htmx:afterSwap") {
      record.swaps += 1;
    }
    if (quiet) {
      return;
    }
    var target = evt.target || {};
    var detail = evt.detail || {};
    var config = detail.requestConfig || {};
    record.events.push({
      type: evt.type,
      id: target.id || "",
      tag: target.tagName || "",
      verb: config.verb || "",
      at: realNow.call(Date)
    });
  }
  for (var i = 0; i < watched.length; i++) {
    document.addEventListener(watched[i], note, true);
  }

  /* Listeners, from here on (the page's, not the ones above): a count kept on each
   * target itself, so nothing here holds a node the page let go of. Older WebKit
   * has no EventTarget.prototype to patch. */
  function countOn(proto) {
    if (!proto || !proto.addEventListener || proto.addEventListener.__hibi) {
      return;
    }
    var add = proto.addEventListener, remove = proto.removeEventListener;
    proto.addEventListener = function (type, fn, capture) {
      var key = type + "|" + (capture ? 1 : 0);
      var seen = this.__hibiListeners || (this.__hibiListeners = {});
      var list = seen[key] || (seen[key] = []);
      if (fn && list.indexOf(fn) < 0) {
        list.push(fn);
      }
      return add.apply(this, arguments);
    };
    proto.addEventListener.__hibi = true;
    proto.removeEventListener = function (type, fn, capture) {
      var list = this.__hibiListeners && this.__hibiListeners[type + "|" + (capture ? 1 : 0)];
      var at = list ? list.indexOf(fn) : -1;
      if (at >= 0) {
        list.splice(at, 1);
      }
      return remove.apply(this, arguments);
    };
  }
  if (window.EventTarget) {
    countOn(window.EventTarget.prototype);
  }
  countOn(window.Node && window.Node.prototype);
  countOn(window.Window && window.Window.prototype);
  function listenersOn(target) {
    var seen = target.__hibiListeners, total = 0;
    for (var key in seen) {
      if (seen.hasOwnProperty(key)) {
        total += seen[key].length;
      }
    }
    return total;
  }
  record.live = function () {
    var global = listenersOn(window) + listenersOn(document), nodes = 0, listeners = global;
    var walk = document.createTreeWalker(document, 0xFFFFFFFF, null, false);
    for (var node = walk.currentNode; node; node = walk.nextNode()) {
      nodes += 1;
      if (node !== document && node.__hibiListeners) {
        listeners += listenersOn(node);
      }
    }
    return {
      intervals: running, timeouts: waiting, globalListeners: global, listeners: listeners,
      nodes: nodes
    };
  };
})();
