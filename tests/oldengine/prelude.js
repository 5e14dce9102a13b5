/* Runs in every document the old engines open, before the page's own scripts
 * (tests/oldengine/driver_qt.py and driver_phantom.js inject it).
 *
 * - window.__hibi.errors: uncaught errors (window.onerror);
 * - window.__hibi.events: htmx's error events and swaps, in order, so a test can
 *   tell a swapError or a refused request from a quiet page;
 * - Date.now() runs window.__hibiShift ms ahead once a test moves the clock:
 *   the wall's script reads time only through Date.now(), so a jump crosses a
 *   block's end or midnight at once, as the minutes passing would;
 * - with "#bench" in the address, events are only counted (swaps), so a long
 *   soak measures the wall's memory, not this record's;
 * - with "#emulate=safari9" in the address, the page gets what Safari 9.0
 *   lacks: DOMParser answers "text/html" with null and there is no URL
 *   constructor, so any engine can show what such an iPad would do.
 *
 * ES5 only: PhantomJS 2.1 runs it too.
 */
(function () {
  if (window.__hibi) {
    return;
  }
  var realNow = Date.now;
  var record = { errors: [], events: [], swaps: 0 };
  var quiet = /[#&]bench(&|$)/.test(location.hash);
  window.__hibi = record;
  window.__hibiShift = 0;
  if (/[#&]emulate=safari9(&|$)/.test(location.hash)) {
    var ownParse = DOMParser.prototype.parseFromString;
    DOMParser.prototype.parseFromString = function (markup, type) {
      return /html/i.test(type) ? null : ownParse.apply(this, arguments);
    };
    window.URL = undefined;
    record.emulated = "safari9";
  }
  Date.now = function () {
    return realNow.call(Date) + window.__hibiShift;
  };
  window.onerror = function (message, source, line) {
    record.errors.push(String(message) + " (" + source + ":" + line + ")");
  };
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
})();
