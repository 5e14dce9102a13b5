/* The wall's clockwork: moves time forward between polls and keeps the page
 * alive for months on an old tablet.
 *
 * Hand-written ES5 for Safari 9 and Chrome 49 (no let/const, arrows, fetch,
 * Promise, classList on SVG, NodeList.forEach; tests/test_static.py checks).
 * It reads data-* attributes of the stable #wall element and of the #panel
 * that htmx swaps in; no script ever arrives inside a fragment.
 *
 * - every few seconds: the clock, which block is current (hero, timeline,
 *   next list), the countdown disc and minutes, late chores, tomorrow's
 *   chores in the evening, night hours — all from data-start/data-end, so
 *   the wall stays right for hours with the server gone;
 * - after each poll: an "offline since" badge on failure, gone on success;
 *   a reload when the server's assets changed (an upgrade);
 * - a reload at the date change, at the nightly hour, and by a watchdog when
 *   no poll has succeeded for a long time — each only after the server has
 *   answered a probe, so a dead server never leaves an error page behind.
 */
(function () {
  "use strict";

  var TICK_MS = 5000;
  var PIE = 62.832; /* see PIE_CIRCUMFERENCE in schedule/wall.py */
  var DRIFT_MS = 4 * 60 * 1000;
  var DRIFT = [[0, 0], [2, 1], [4, 3], [3, 5], [1, 4], [-1, 2], [-3, 0], [-2, -2], [0, -3], [2, -1]];
  var RETRY_RELOAD_MS = 60 * 1000;
  var DAY_END_SLACK_MS = 10 * 1000;

  var wall = document.getElementById("wall");
  var drifting = document.querySelector && document.querySelector(".js-drift");
  if (!wall || !drifting) {
    return;
  }
  var pollMs = number(wall, "data-poll") * 1000;
  var howManyNext = number(wall, "data-next"); /* planner.HOW_MANY_NEXT */
  var watchdogMs = Math.max(10 * 60 * 1000, 10 * pollMs);
  var reloadAt = number(wall, "data-reload-at");
  var assets = wall.getAttribute("data-assets");
  var offsetMs = 0; /* the server's clock minus this tablet's */
  var utcOffsetMin = 0; /* the household's zone, for the clock */
  var lastOk = Date.now();
  var offlineSince = null;
  var reloading = false;
  var nextReloadTry = 0;
  var driftStep = 0;

  function number(el, name) {
    var value = parseInt(el.getAttribute(name), 10);
    return isNaN(value) ? 0 : value;
  }

  function each(list, fn) {
    for (var i = 0; i < list.length; i++) {
      fn(list[i], i);
    }
  }

  function hasClass(el, name) {
    return (" " + el.className + " ").indexOf(" " + name + " ") >= 0;
  }

  function setClass(el, name, on) {
    if (!el || hasClass(el, name) === on) {
      return;
    }
    if (on) {
      el.className = el.className + " " + name;
    } else {
      el.className = (" " + el.className + " ").replace(" " + name + " ", " ").replace(/^\s+|\s+$/g, "");
    }
  }

  function setText(el, text) {
    if (el.textContent !== text) {
      el.textContent = text;
    }
  }

  function panel() {
    return document.getElementById("panel");
  }

  function now() {
    return Date.now() + offsetMs;
  }

  function clockText(instant) {
    var local = new Date(instant + utcOffsetMin * 60000);
    var minutes = local.getUTCMinutes();
    return local.getUTCHours() + ":" + (minutes < 10 ? "0" : "") + minutes;
  }

  function fill(el, value) {
    var pattern = el.getAttribute("data-pattern");
    if (pattern) {
      setText(el, pattern.replace("#", value));
    }
  }

  function inNight(spans, t) {
    var parts = (spans || "").split(" ");
    for (var i = 0; i + 1 < parts.length; i += 2) {
      if (parseInt(parts[i], 10) <= t && t < parseInt(parts[i + 1], 10)) {
        return true;
      }
    }
    return false;
  }

  function countdown(hero, start, end, t) {
    var remaining = Math.max(0, Math.min(1, (end - t) / (end - start)));
    var pie = hero.querySelector(".js-pie");
    if (pie) {
      pie.setAttribute("stroke-dasharray", (remaining * PIE).toFixed(3) + " " + PIE);
    }
    var minutes = Math.max(0, Math.ceil((end - t) / 60000));
    each(hero.querySelectorAll(".js-left"), function (el) {
      var forms = el.getAttribute("data-pattern");
      if (forms) {
        setText(el, countdownText(forms.split("|"), minutes));
      }
    });
  }

  // The same choice as countdown_form() in schedule/wall.py: minutes under an
  // hour, else hours and minutes; the "_p" forms where Japanese reads 分 as ぷん.
  var PUN_DIGITS = "013468";

  function countdownText(forms, minutes) {
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    var pun = PUN_DIGITS.indexOf(String(rest % 10)) >= 0 ? 1 : 0;
    var form;
    if (hours === 0) {
      form = forms[pun];
    } else if (rest === 0) {
      form = forms[2];
    } else {
      form = forms[3 + pun];
    }
    return (form || "").replace("#h", String(hours)).replace("#m", String(rest));
  }

  function tickPanel(p, t) {
    var clock = clockText(t);
    each(p.querySelectorAll(".js-clock"), function (el) {
      setText(el, clock);
    });

    var current = 0;
    each(p.querySelectorAll(".js-block"), function (el) {
      var start = number(el, "data-start");
      var end = number(el, "data-end");
      var isCurrent = start <= t && t < end;
      setClass(el, "is-current", isCurrent);
      setClass(el, "is-past", end <= t);
      if (isCurrent && hasClass(el, "js-hero")) {
        current += 1;
        countdown(el, start, end, t);
      }
    });
    setClass(p.querySelector(".now"), "is-empty", current === 0);
    setClass(p.querySelector(".now"), "is-split", current > 1);
    setClass(p.querySelector(".now"), "is-many", current > 2);

    var shown = 0;
    each(p.querySelectorAll(".js-next"), function (el) {
      var upcoming = number(el, "data-start") > t && shown < howManyNext;
      if (upcoming) {
        shown += 1;
      }
      setClass(el, "is-next", upcoming);
    });

    var from = number(p, "data-from");
    var to = number(p, "data-to");
    var marker = p.querySelector(".js-now");
    if (marker && to > from) {
      marker.style.left = (Math.max(0, Math.min(1, (t - from) / (to - from))) * 100).toFixed(2) + "%";
    }

    each(p.querySelectorAll(".js-chore"), function (el) {
      var due = number(el, "data-due");
      setClass(el, "is-late", due > 0 && t > due && !hasClass(el, "is-done"));
    });
    setClass(p.querySelector(".js-tomorrow"), "is-shown", t >= number(p, "data-evening"));
    setClass(p, "is-night", inNight(p.getAttribute("data-nights"), t));
  }

  function tick() {
    var p = panel();
    var t = now();
    if (p) {
      tickPanel(p, t);
      if (t >= number(p, "data-day-end") + DAY_END_SLACK_MS) {
        reloadWhenServerAnswers();
      }
    }
    if (t >= reloadAt || Date.now() - lastOk > watchdogMs) {
      reloadWhenServerAnswers();
    }
  }

  /* Reload only once the page itself answers 200: a reload into an error
   * page would leave the tablet dark until someone walks up to it. */
  function reloadWhenServerAnswers() {
    if (reloading || Date.now() < nextReloadTry) {
      return;
    }
    reloading = true;
    var probe = new XMLHttpRequest();
    var retry = function () {
      reloading = false;
      nextReloadTry = Date.now() + RETRY_RELOAD_MS;
    };
    probe.open("GET", window.location.href, true);
    probe.timeout = 15000;
    probe.onload = function () {
      if (probe.status === 200) {
        window.location.reload();
      } else {
        retry();
      }
    };
    probe.onerror = retry;
    probe.ontimeout = retry;
    probe.send();
  }

  function showOffline() {
    var badge = document.getElementById("offline");
    if (offlineSince === null) {
      offlineSince = now();
    }
    if (badge) {
      var since = clockText(offlineSince);
      each(badge.querySelectorAll(".js-offline"), function (el) {
        fill(el, since);
      });
      badge.removeAttribute("hidden");
    }
  }

  function showOnline() {
    var badge = document.getElementById("offline");
    offlineSince = null;
    lastOk = Date.now();
    if (badge) {
      badge.setAttribute("hidden", "hidden");
    }
  }

  /* A new panel (first load or swapped in): take its clock as the truth. */
  function adopt() {
    var p = panel();
    if (p) {
      offsetMs = number(p, "data-now") - Date.now();
      utcOffsetMin = number(p, "data-utc-offset");
      tickPanel(p, now());
    }
  }

  function afterRequest(evt) {
    var xhr = evt.detail && evt.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status >= 200 && status < 400) {
      showOnline();
      var serverAssets = xhr.getResponseHeader("X-Wall-Assets");
      if (serverAssets && assets && serverAssets !== assets) {
        reloadWhenServerAnswers();
      }
    } else if (status === 403) {
      /* a stale CSRF token after months on the wall: a fresh page brings one */
      reloadWhenServerAnswers();
    } else if (status === 0 || status >= 500 || evt.target === panel()) {
      showOffline();
    }
  }

  function drift() {
    var step = DRIFT[driftStep % DRIFT.length];
    var value = "translate(" + step[0] + "px, " + step[1] + "px)";
    driftStep += 1;
    drifting.style.webkitTransform = value;
    drifting.style.transform = value;
  }

  document.addEventListener("htmx:afterRequest", afterRequest);
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.target && evt.target.id === "panel") {
      adopt();
    }
  });
  adopt();
  window.setInterval(tick, TICK_MS);
  window.setInterval(drift, DRIFT_MS);
})();
