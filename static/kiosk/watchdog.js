/* The wall's watchdog, apart from kiosk.js: if the wall's script is not running
 * (it failed to load, or stopped), the page reloads itself once the server
 * answers, instead of showing a frozen clock until someone walks up to it.
 *
 * kiosk.js writes window.hibiAlive (Date.now()) at every tick. A week's soak on
 * WebKit 602 once came back from a midnight reload with htmx polling but
 * kiosk.js never started: the clock stood still for four simulated days.
 * ES5 for the old engines; no timer of its own beyond one check a minute. */
(function () {
  "use strict";

  var CHECK_MS = 60 * 1000;
  var SILENT_MS = 3 * 60 * 1000;
  var loadedAt = Date.now();
  var probing = false;

  function silentFor() {
    var alive = window.hibiAlive;
    return Date.now() - (typeof alive === "number" ? alive : loadedAt);
  }

  /* Reload only into a page that answers 200: an error page would stay dark. */
  function reloadWhenServerAnswers() {
    if (probing) {
      return;
    }
    probing = true;
    var probe = new XMLHttpRequest();
    var done = function () {
      probing = false;
    };
    probe.open("GET", window.location.href, true);
    probe.timeout = 15000;
    probe.onload = function () {
      probing = false;
      if (probe.status === 200) {
        window.location.replace(window.location.href.split("#")[0]);  /* as kiosk.js */
      }
    };
    probe.onerror = done;
    probe.ontimeout = done;
    probe.send();
  }

  window.setInterval(function () {
    if (silentFor() > SILENT_MS) {
      reloadWhenServerAnswers();
    }
  }, CHECK_MS);
})();
