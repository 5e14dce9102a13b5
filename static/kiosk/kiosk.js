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
 * - chore taps and polls take turns: a tap cancels the poll in flight and no
 *   poll starts while a tap is out (the tap's answer is the fresh panel), a
 *   second tap waits for the first; a tap that was not saved marks its chore
 *   "not saved" until the wall shows what was wanted or it is tapped again;
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
  var pollXhr = null; /* the panel's poll in flight */
  var cancelledPoll = null; /* a poll a tap called off: no sign of being offline */
  var tap = null; /* the chore tap in flight: {xhr, url, done} */
  var waitingTaps = []; /* taps made while another was out: {url, done} */
  var unsaved = {}; /* toggle URL -> "1"/"0", what a tap that failed wanted */

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

  function isTap(el) {
    return !!(el && el.getAttribute && el.getAttribute("hx-post"));
  }

  /* What a tap on this button asks for: "1" done, "0" not done (its hx-vals). */
  function tapWants(button) {
    try {
      return JSON.parse(button.getAttribute("hx-vals")).done;
    } catch (e) {
      return null;
    }
  }

  function tapButton(url) {
    var p = panel();
    var buttons = p ? p.querySelectorAll(".js-chore [hx-post]") : [];
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("hx-post") === url) {
        return buttons[i];
      }
    }
    return null;
  }

  /* "Not saved" on each chore whose failed tap the wall does not show yet. */
  function markUnsaved() {
    for (var url in unsaved) {
      if (unsaved.hasOwnProperty(url)) {
        var button = tapButton(url);
        /* gone from the wall, or the wall shows what the tap wanted: settled */
        if (!button || tapWants(button) !== unsaved[url]) {
          delete unsaved[url];
        }
      }
    }
    var p = panel();
    each(p ? p.querySelectorAll(".js-chore") : [], function (chore) {
      var button = chore.querySelector("[hx-post]");
      var url = button ? button.getAttribute("hx-post") : "";
      setClass(chore, "is-unsaved", unsaved.hasOwnProperty(url));
    });
  }

  function nextTap() {
    var waiting = waitingTaps.shift();
    if (!waiting) {
      return;
    }
    var button = tapButton(waiting.url);
    if (button && tapWants(button) === waiting.done) {
      button.click();
    } else {
      nextTap(); /* the wall already shows what that tap wanted */
    }
  }

  /* Before htmx sends anything: taps and polls must not cross, or one answer
   * swaps a panel that the other has already replaced. */
  function beforeRequest(evt) {
    var el = evt.target;
    if (isTap(el)) {
      var url = el.getAttribute("hx-post");
      if (tap) {
        evt.preventDefault();
        waitingTaps.push({ url: url, done: tapWants(el) });
        return;
      }
      delete unsaved[url];
      markUnsaved();
      if (pollXhr) {
        cancelledPoll = pollXhr;
        pollXhr = null;
        cancelledPoll.abort();
      }
    } else if (el === panel() && tap) {
      evt.preventDefault(); /* the tap's answer is the fresh panel */
    }
  }

  function beforeSend(evt) {
    var el = evt.target;
    var xhr = evt.detail && evt.detail.xhr;
    if (isTap(el)) {
      tap = { xhr: xhr, url: el.getAttribute("hx-post"), done: tapWants(el) };
    } else if (el === panel()) {
      pollXhr = xhr;
    }
  }

  function afterRequest(evt) {
    var xhr = evt.detail && evt.detail.xhr;
    var status = xhr ? xhr.status : 0;
    var saved = status >= 200 && status < 300;
    if (xhr && xhr === cancelledPoll) {
      cancelledPoll = null;
      return;
    }
    if (xhr && xhr === pollXhr) {
      pollXhr = null;
    }
    if (tap && xhr === tap.xhr) {
      if (!saved) {
        unsaved[tap.url] = tap.done;
      }
      tap = null;
      markUnsaved();
      window.setTimeout(nextTap, 0);
    }
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

  document.addEventListener("htmx:confirm", beforeRequest);
  document.addEventListener("htmx:beforeSend", beforeSend);
  document.addEventListener("htmx:afterRequest", afterRequest);
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.target && evt.target.id === "panel") {
      adopt();
      markUnsaved();
    }
  });
  adopt();
  window.setInterval(tick, TICK_MS);
  window.setInterval(drift, DRIFT_MS);
})();
