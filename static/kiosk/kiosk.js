/* The wall's clockwork: moves time forward between polls and keeps the page
 * alive for months on an old tablet.
 *
 * Hand-written ES5 for Safari 9 and Chrome 49 (no let/const, arrows, fetch,
 * Promise, classList on SVG, NodeList.forEach; tests/test_static.py checks).
 * It reads data-* attributes of the stable #wall element and of the #panel
 * that htmx swaps in; no script ever arrives inside a fragment.
 *
 * - every few seconds: the clock, which block is current (hero, timeline,
 *   then and next), the Time Timer (a face of one hour, a dot for each hour
 *   more) and the minutes left, the warning before a change (the card and
 *   the next block light up, a soft chime if the display has one), missed
 *   chores, tomorrow's chores in the evening, the timeline's readable window,
 *   night hours and the time until wake-up — all from data-start/data-end,
 *   so the wall stays right for hours with the server gone;
 * - after each poll: an "offline since" badge on failure, gone on success;
 *   a reload when the server's assets changed (an upgrade);
 * - chore taps and polls take turns: a tap cancels the poll in flight, no poll
 *   starts and no poll's answer lands while a tap is out (the tap's answer is
 *   the fresh panel), a second tap waits for the first; a tap that was not
 *   saved marks its chore "not saved" until the wall shows what was wanted or
 *   it is tapped again;
 * - a child's own timer: a tap on the disc of the block that is on offers
 *   the display's minutes (5, 10, 15), the running timer is the same pie with
 *   the same warnings, a long press stops it; it lives outside the panel and
 *   in localStorage, so neither a poll, a swap nor a reload stops it;
 * - inside Fully Kiosk Browser (its `fully` object): the battery reported to
 *   the server every minute, the screen off in the night hours and on at the
 *   wake-up, and, where the display says so, the warnings and announcements
 *   spoken in the wall's language instead of the chime;
 * - a reload at the date change, at the nightly hour, and by a watchdog when
 *   no poll has succeeded for a long time — each only after the server has
 *   answered a probe, so a dead server never leaves an error page behind.
 */
(function () {
  "use strict";

  var TICK_MS = 5000;
  var HOUR_MS = 60 * 60 * 1000;
  var SMALLEST_TITLE_PX = 36;
  var DRIFT_MS = 4 * 60 * 1000;
  var DRIFT = [[0, 0], [2, 1], [4, 3], [3, 5], [1, 4], [-1, 2], [-3, 0], [-2, -2], [0, -3], [2, -1]];
  var RETRY_RELOAD_MS = 60 * 1000;
  var SHORTEST_TICK_MS = 100;
  var DAY_END_SLACK_MS = 10 * 1000;
  var HOLD_MS = 1000; /* a long press on the child's timer stops it */
  var BATTERY_MS = 60 * 1000;

  var wall = document.getElementById("wall");
  /* The disc's circumference and the timeline's squeezed ends, as the server
   * drew them (schedule/wall/cards.py, timeline.py): written once, there. */
  var PIE = parseFloat(wall.getAttribute("data-pie"));
  var EDGE = parseFloat(wall.getAttribute("data-edge"));
  var drifting = document.querySelector && document.querySelector(".js-drift");
  if (!wall || !drifting) {
    return;
  }
  var pollMs = number(wall, "data-poll") * 1000;
  /* A test server's clock may run fast (HIBI_CLOCK_RATE, schedule/common/household.py):
   * the page's runs as fast, and so do the ticks and the drift that follow it. */
  var rate = number(wall, "data-rate") || 1;
  var howManyNext = number(wall, "data-next"); /* planner.HOW_MANY_NEXT */
  var cues = numbers(wall.getAttribute("data-cues")); /* minutes, largest first */
  var chime = document.querySelector(".js-chime");
  var soundPrompt = document.getElementById("sound");
  var soundOn = false;
  var announced = {}; /* "start-end" of a block -> the last warning given for it */
  var watchdogMs = Math.max(10 * 60 * 1000, 10 * pollMs);
  var reloadAt = number(wall, "data-reload-at");
  var assets = wall.getAttribute("data-assets");
  var shownNow = Date.now(); /* the server's clock at the last panel (its data-now)... */
  var shownAt = shownNow; /* ...and this tablet's clock when that panel arrived */
  var utcOffsetMin = 0; /* the household's zone, for the clock */
  var lastOk = Date.now();
  var offlineSince = null;
  var reloading = false;
  var nextReloadTry = 0;
  var driftStep = 0;
  var pollXhr = null; /* the panel's poll in flight */
  var cancelledPoll = null; /* a poll a tap called off: no sign of being offline */
  var tap = null; /* the chore tap in flight: {xhr, url, done} */
  var tapStarting = false; /* a tap calling off the poll in flight */
  var waitingTaps = []; /* taps made while another was out: {url, done} */
  var unsaved = {}; /* toggle URL -> "1"/"0", what a tap that failed wanted */
  /* Fully Kiosk Browser's JavaScript interface; absent in any other browser. */
  var fully = typeof window.fully === "object" && window.fully ? window.fully : null;
  var speakLocale = fully ? wall.getAttribute("data-speak") : null;
  var speakLang = speakLocale ? speakLocale.split("-")[0] : null;
  var screenDark = null; /* what this page last told Fully's screen */
  var timerBox = document.getElementById("timer");
  var chooser = document.getElementById("timer-choose");
  var TIMER_KEY = "hibi-timer:" + window.location.pathname;
  var timerEnd = 0; /* the child's timer's end on the server's clock, or 0 */
  var holding = null;

  function number(el, name) {
    var value = parseInt(el.getAttribute(name), 10);
    return isNaN(value) ? 0 : value;
  }

  function numbers(text) {
    var out = [];
    var parts = (text || "").split(" ");
    for (var i = 0; i < parts.length; i++) {
      var value = parseInt(parts[i], 10);
      if (!isNaN(value)) {
        out.push(value);
      }
    }
    return out;
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
    return shownNow + (Date.now() - shownAt) * rate;
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

  /* The Time Timer: the minutes left on a face of one hour, a dot for each
   * whole hour more (the same as BlockCard.pie and .hours in view_model.py). */
  function countdown(hero, start, end, t) {
    var leftMs = Math.max(0, end - t);
    var minutes = Math.ceil(leftMs / 60000);
    var hours = minutes > 60 ? Math.floor((minutes - 1) / 60) : 0;
    var face = Math.min(HOUR_MS, Math.max(0, leftMs - hours * HOUR_MS)) / HOUR_MS;
    var pie = hero.querySelector(".js-pie");
    if (pie) {
      pie.setAttribute("stroke-dasharray", (face * PIE).toFixed(3) + " " + PIE);
    }
    each(hero.querySelectorAll(".js-hour"), function (dot, index) {
      dot.style.visibility = index < hours ? "visible" : "hidden";
    });
    each(hero.querySelectorAll(".js-left"), function (el) {
      var forms = el.getAttribute("data-pattern");
      if (forms) {
        setText(el, countdownText(forms.split("|"), minutes));
      }
    });
    return minutes;
  }

  /* The warning a block is in: the smallest warning minute it has reached. */
  function cueOf(minutes) {
    var reached = null;
    for (var i = 0; i < cues.length; i++) {
      if (minutes <= cues[i]) {
        reached = cues[i];
      }
    }
    return reached;
  }

  function ring() {
    if (!chime || !soundOn || typeof chime.play !== "function") {
      return; /* no sound yet, or an engine built without it (QtWebKit) */
    }
    try {
      chime.currentTime = 0;
    } catch (e) {
      /* old WebKit refuses a seek before the sound has loaded: it starts at 0 anyway */
    }
    try {
      var played = chime.play();
      /* Engines that refuse sound without a touch say so with a promise. */
      if (played && played["catch"]) {
        played["catch"](function () {});
      }
    } catch (e) {
      /* an engine without sound: the wall shows the warning all the same */
    }
  }

  /* Most tablets play no sound until someone touches the page (iOS Safari,
   * Android's and Fire OS's WebViews), and a chime refused is a chime nobody
   * hears: the wall says "tap to turn the sound on" until the first tap
   * anywhere, which chimes once (the sound works, and the engine now allows it)
   * and lets every warning after it chime. */
  function turnSoundOn() {
    if (soundOn) {
      return;
    }
    soundOn = true;
    document.removeEventListener("touchend", turnSoundOn, true);
    document.removeEventListener("click", turnSoundOn, true);
    if (soundPrompt) {
      soundPrompt.setAttribute("hidden", "hidden");
    }
    ring();
  }

  /* Fully Kiosk's voice, where the display asks for it: true if it spoke. */
  function speak(text) {
    if (!speakLocale || !text) {
      return false;
    }
    try {
      fully.textToSpeech(text, speakLocale);
      return true;
    } catch (e) {
      return false; /* an older Fully without a voice: the chime instead */
    }
  }

  /* The text in the spoken language inside `el` (a card's countdown, a title). */
  function spokenText(el, selector) {
    var found = el && speakLang ? el.querySelectorAll(selector) : [];
    for (var i = 0; i < found.length; i++) {
      if (found[i].getAttribute("lang") === speakLang) {
        return found[i].textContent;
      }
    }
    return "";
  }

  /* A warning or a change: said aloud in Fully Kiosk, else the chime. */
  function signal(text) {
    if (!speak(text)) {
      ring();
    }
  }

  /* A chime the first time a block reaches each warning, and at its end. */
  function announce(key, cue, el) {
    var before = announced.hasOwnProperty(key) ? announced[key] : undefined;
    if (before === undefined) {
      announced[key] = cue; /* a wall that opens mid-warning stays quiet */
      return;
    }
    if (cue !== before && cue !== null) {
      announced[key] = cue;
      signal(spokenText(el, ".js-left"));
    }
  }

  /* Where an instant sits on the timeline at `t`: an hour back and four
   * ahead in the middle 80 %, the rest of the day squeezed into the ends
   * (the same as _Timeline in view_model.py). */
  function timelinePlace(p, t) {
    var first = number(p, "data-from");
    var last = number(p, "data-to");
    var lo = Math.max(first, Math.min(t - number(p, "data-before"), last));
    var hi = Math.min(last, Math.max(t + number(p, "data-after"), first));
    var left = lo > first ? EDGE : 0;
    var right = hi < last ? 100 - EDGE : 100;
    function scale(x, a, b, from, to) {
      return b <= a ? from : from + ((x - a) / (b - a)) * (to - from);
    }
    return function (instant) {
      var x = Math.min(Math.max(instant, first), last);
      if (x <= lo) {
        return scale(x, first, lo, 0, left);
      }
      if (x <= hi) {
        return scale(x, lo, hi, left, right);
      }
      return scale(x, hi, last, right, 100);
    };
  }

  function tickTimeline(p, t) {
    if (number(p, "data-to") <= number(p, "data-from")) {
      return;
    }
    var place = timelinePlace(p, t);
    var lo = t - number(p, "data-before");
    var hi = t + number(p, "data-after");
    each(p.querySelectorAll(".js-tl"), function (el) {
      var left = place(number(el, "data-start"));
      el.style.left = left.toFixed(3) + "%";
      el.style.width = (place(number(el, "data-end")) - left).toFixed(3) + "%";
    });
    each(p.querySelectorAll(".js-tick"), function (el) {
      var at = number(el, "data-at");
      el.style.left = place(at).toFixed(2) + "%";
      setClass(el, "is-squeezed", at < lo || at > hi);
    });
    var marker = p.querySelector(".js-now");
    if (marker) {
      marker.style.left = place(t).toFixed(2) + "%";
    }
  }

  function overflows(el) {
    return el && el.scrollHeight > el.clientHeight + 1;
  }

  function columnOf(hero, p) {
    var column = hero.parentNode;
    while (column && column !== p && !hasClass(column, "doing")) {
      column = column.parentNode;
    }
    return column && column !== p ? column : null;
  }

  function tooWide(title) {
    return title.scrollWidth > title.clientWidth + 1;
  }

  function shrinkTitle(hero, title, column) {
    title.style.fontSize = "";
    setClass(title, "is-breaking", false);
    var size = parseInt(window.getComputedStyle(title).fontSize, 10);
    while (size > SMALLEST_TITLE_PX &&
        (tooWide(title) || overflows(hero) || (column && overflows(column)))) {
      size -= 2;
      title.style.fontSize = size + "px";
    }
    setClass(title, "is-breaking", tooWide(title));
  }

  /* A title as large as its card allows, down to 36px, never cut: not wider
     than its line, not taller than its card, and leaving room for "then"
     below it. Where even 36px leave no room (a two-line title on a 600 px
     screen), the column gets tight ("then" on one line), then tighter (no
     clock times); if that is not enough either, "then" is left to the
     timeline. */
  var TIGHTER = ["is-tight", "is-tighter", "is-without-then"];

  function fitTitles(p) {
    each(p.querySelectorAll(".hero.is-current"), function (hero) {
      var title = hero.querySelector(".js-fit");
      var column = columnOf(hero, p);
      var step = 0;
      if (!title) {
        return;
      }
      each(TIGHTER, function (name) {
        setClass(column, name, false);
      });
      shrinkTitle(hero, title, column);
      while (column && step < TIGHTER.length && overflows(column)) {
        setClass(column, TIGHTER[step], true);
        step += 1;
        shrinkTitle(hero, title, column);
      }
    });
  }

  /* Tonight's strip beside the date keeps the top line as it is: one line,
     no taller than the clock, the date whole. Where it cannot (a holiday's
     long name), the sleeps go first, then dinner, then the weather (a warning
     in force and what it calls off always stay). Under the date (a portrait
     wall) it has a line of its own and keeps everything. */
  function fitTop(p) {
    var strip = p.querySelector(".tonight");
    var date = p.querySelector(".top .date");
    if (!strip || !date) {
      return;
    }
    var optional = [].concat(
      [].slice.call(strip.querySelectorAll(".tn-sleeps")),
      [].slice.call(strip.querySelectorAll(".tn-dinner")),
      [].slice.call(strip.querySelectorAll(".tn-weather")));
    each(optional, function (el) {
      setClass(el, "is-crowded", false);
    });
    if (strip.offsetTop > date.offsetTop + date.offsetHeight - 1 ||
        strip.querySelector(".tn-alert, .tn-call-off")) {
      return;  // a line of its own, or a warning's morning: tall anyway
    }
    // Wrapped onto a second line, or squeezing the date (a holiday's long
    // name) so that it no longer fits its column.
    for (var k = 0; k < optional.length &&
        (wraps(strip) || date.scrollWidth > date.clientWidth + 1); k += 1) {
      setClass(optional[k], "is-crowded", true);
    }
  }

  /* Whether a row of items has wrapped onto a second line. */
  function wraps(row) {
    var shown = [].slice.call(row.children).filter(function (el) {
      return el.offsetWidth > 0;
    });
    return shown.length > 1 &&
      shown[shown.length - 1].offsetTop > shown[0].offsetTop + shown[0].offsetHeight / 2;
  }

  /* The side column never cuts a chore in half: when it is too short, the
     notes go first, then the stars move onto one line without their rewards'
     bars (each child's still there), then today's chores already done or
     missed (the morning's and the evening's bags matter more), then the bags'
     second language, then the year's marks (a heading with its marks), then
     tomorrow's chores from the last, then the bags (today's chores still to
     do, tomorrow's first and every child's stars always stay); if that is not
     enough, every line says itself in the wall's first language only. */
  function fitSide(p) {
    var side = p.querySelector(".side");
    if (!side) {
      return;
    }
    var crowded = side.querySelectorAll(".is-crowded");
    each(crowded, function (el) {
      setClass(el, "is-crowded", false);
    });
    var stars = side.querySelector(".stars");
    setClass(stars, "is-packed", false);
    setClass(side, "is-packed", false);
    var candidates = [];
    var order = [".note", ".stars", ".chore.is-late", ".chore.is-done", ".bag-sub",
      ".year-mark-group", ".tomorrow-item", ".bags"];
    each(order, function (selector) {
      var found = side.querySelectorAll(selector);
      for (var i = found.length - 1; i >= (selector === ".tomorrow-item" ? 1 : 0); i -= 1) {
        candidates.push(found[i]);
      }
    });
    for (var k = 0; k < candidates.length && overflows(side); k += 1) {
      setClass(candidates[k], candidates[k] === stars ? "is-packed" : "is-crowded", true);
    }
    /* today's chores all done or missed, and all made way: no heading over nothing */
    var chores = side.querySelector(".chores");
    if (chores) {
      var left = chores.querySelectorAll(".chore-list > li");
      var gone = chores.querySelectorAll(".chore-list > li.is-crowded");
      setClass(chores, "is-crowded", left.length > 0 && gone.length === left.length);
    }
    setClass(side, "is-packed", overflows(side));
  }

  /* Whether the side column had to leave something out (fitSide) or still
   overflows: what it left out may come back once the doing column is tighter. */
  function squeezed(side) {
    return overflows(side) || hasClass(side, "is-packed") ||
      side.querySelector(".is-crowded, .is-packed") !== null;
  }

  /* Upright, the side column sits under the doing one: when it is still too
     short, the doing column gets tight too ("then" on one row, then no clock
     times), never so tight that "then" goes. */
  function fitStacked(p) {
    var side = p.querySelector(".side");
    var column = p.querySelector(".doing");
    if (!side || !column || side.offsetTop <= column.offsetTop) {
      return;
    }
    for (var step = 0; step < 2 && squeezed(side); step += 1) {
      if (!hasClass(column, TIGHTER[step])) {
        setClass(column, TIGHTER[step], true);
        fitSide(p);
      }
    }
    /* Still too short (a routine's big step under the doing column): tonight's
       strip gives its line back, the sleeps first, then dinner, then the
       weather; a warning in force stays. */
    var strip = p.querySelector(".tonight");
    var optional = strip ? [].concat(
      [].slice.call(strip.querySelectorAll(".tn-sleeps")),
      [].slice.call(strip.querySelectorAll(".tn-dinner")),
      [].slice.call(strip.querySelectorAll(".tn-weather"))) : [];
    for (var k = 0; k < optional.length && overflows(side); k += 1) {
      setClass(optional[k], "is-crowded", true);
      fitSide(p);
    }
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
    var soonest = null; /* the current block that ends first: its warning leads */
    each(p.querySelectorAll(".js-block"), function (el) {
      var start = number(el, "data-start");
      var end = number(el, "data-end");
      var isCurrent = start <= t && t < end;
      setClass(el, "is-current", isCurrent);
      setClass(el, "is-past", end <= t);
      if (hasClass(el, "js-hero")) {
        var key = start + "-" + end;
        if (isCurrent) {
          current += 1;
          var cue = cueOf(countdown(el, start, end, t));
          setClass(el, "is-cue", cue !== null);
          /* the last warning (2 minutes by default) looks more urgent than the first */
          setClass(el, "is-cue-last", cue !== null && cues.length > 1 && cue === cues[cues.length - 1]);
          announce(key, cue, el);
          if (soonest === null || end < soonest.end) {
            soonest = { end: end, cue: cue };
          }
        } else if (announced.hasOwnProperty(key) && end <= t) {
          delete announced[key];
          /* the change itself: the title of what starts now */
          signal(spokenText(p.querySelector('.js-hero[data-start="' + end + '"]'), ".hero-title [lang]"));
        }
      }
    });
    var now = p.querySelector(".now");
    setClass(now, "is-empty", current === 0);
    setClass(now, "is-split", current > 1);
    setClass(now, "is-many", current > 2);

    var shown = 0;
    each(p.querySelectorAll(".js-next"), function (el) {
      var upcoming = number(el, "data-start") > t && shown < howManyNext;
      setClass(el, "is-next", upcoming);
      setClass(el, "is-then", upcoming && shown === 0);
      setClass(el, "is-cue", upcoming && shown === 0 && soonest !== null && soonest.cue !== null);
      if (upcoming) {
        shown += 1;
      }
    });
    /* Nothing more today: no "then" heading over nothing. */
    setClass(p.querySelector(".next"), "is-empty", shown === 0);

    /* A routine's step past the minutes it was given: the card says "now,
     * please" once, as the block's cues do before its end. */
    each(p.querySelectorAll(".js-routine"), function (el) {
      var until = number(el, "data-until");
      var over = until > 0 && t >= until;
      setClass(el, "is-cue", over);
      if (until) {
        announce("step:" + until, over ? 0 : null);
      }
    });

    tickTimeline(p, t);

    each(p.querySelectorAll(".js-chore"), function (el) {
      var due = number(el, "data-due");
      setClass(el, "is-late", due > 0 && t > due && !hasClass(el, "is-done"));
    });
    each(p.querySelectorAll(".js-tomorrow"), function (el) {
      setClass(el, "is-shown", t >= number(p, "data-evening"));
    });
    var night = inNight(p.getAttribute("data-nights"), t);
    setClass(p, "is-night", night);
    /* An announcement with a chime rings once as it arrives (issue 30), and
     * is said aloud where the wall speaks; a wall that reloads later in its
     * ten minutes stays quiet. */
    each(p.querySelectorAll(".js-announcement"), function (el) {
      var key = "say:" + el.getAttribute("data-id");
      if (!announced.hasOwnProperty(key)) {
        announced[key] = 1;
        if (t - number(el, "data-start") < 60000 &&
            !speak(spokenText(el, ".announcement-text [lang]")) && el.getAttribute("data-chime")) {
          ring();
        }
      }
    });
    var wake = number(p, "data-wake");
    fullyScreen(night && !(wake && t >= wake));
    if (wake) {
      var untilWake = Math.max(0, Math.ceil((wake - t) / 60000));
      each(p.querySelectorAll(".js-wake"), function (el) {
        var forms = el.getAttribute("data-pattern");
        if (forms) {
          setText(el, countdownText(forms.split("|"), untilWake));
        }
      });
    }
    /* Refit when what takes room changes: cards, the cue, tomorrow's box. */
    var layout = current + ":" + (soonest !== null && soonest.cue !== null) + ":" +
        hasClass(p.querySelector(".js-tomorrow") || p, "is-shown");
    if (layout !== p.getAttribute("data-layout")) {
      p.setAttribute("data-layout", layout);
      fitTop(p);
      fitTitles(p);
      fitSide(p);
      fitStacked(p);
    }
  }

  /* Fully Kiosk's screen: off for the night, on again at the wake-up (or the
   * night's end); told only of a change, so a parent who wakes the tablet at
   * night is not put back to sleep by the next tick. */
  function fullyScreen(dark) {
    if (!fully || dark === screenDark) {
      return;
    }
    var was = screenDark;
    screenDark = dark;
    try {
      if (dark) {
        fully.turnScreenOff(true); /* keepAlive: this script must wake it again */
      } else if (was) {
        fully.turnScreenOn();
      }
    } catch (e) {
      /* an older Fully without screen control: the night screen dims as before */
    }
  }

  /* The tablet's battery, every minute, for the admin and the webhook's thresholds. */
  function reportBattery() {
    var url = wall.getAttribute("data-battery");
    var level;
    var charging;
    try {
      level = Math.round(Number(fully.getBatteryLevel()));
      charging = fully.isPlugged() ? "1" : "0";
    } catch (e) {
      return;
    }
    if (!url || isNaN(level) || level < 0 || level > 100) {
      return;
    }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url, true);
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    try {
      xhr.setRequestHeader("X-CSRFToken", JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]);
    } catch (e) {
      /* no token on the page: the server refuses it, and the wall goes on */
    }
    xhr.timeout = 15000;
    xhr.send("level=" + level + "&charging=" + charging);
  }

  /* The timer's end is kept in localStorage (it outlives the kiosk app's
   * restart) and in the tab's window.name, which every engine keeps across a
   * reload even where storage is off or refused (a private window, an old
   * WebView without DOM storage). */
  function loadTimer() {
    var stored = NaN;
    try {
      stored = parseInt(window.localStorage.getItem(TIMER_KEY), 10);
    } catch (e) {
      stored = NaN;
    }
    if (isNaN(stored) && window.name.indexOf(TIMER_KEY + "=") === 0) {
      stored = parseInt(window.name.slice(TIMER_KEY.length + 1), 10);
    }
    return isNaN(stored) ? 0 : stored;
  }

  function saveTimer(end) {
    window.name = end ? TIMER_KEY + "=" + end : "";
    try {
      if (end) {
        window.localStorage.setItem(TIMER_KEY, String(end));
      } else {
        window.localStorage.removeItem(TIMER_KEY);
      }
    } catch (e) {
      /* window.name keeps it */
    }
  }

  function startTimer(minutes) {
    timerEnd = Math.round(now()) + minutes * 60000;
    saveTimer(timerEnd);
    chooser.setAttribute("hidden", "hidden");
    tickTimer(now());
  }

  function stopTimer() {
    timerEnd = 0;
    saveTimer(0);
    if (timerBox) {
      timerBox.setAttribute("hidden", "hidden");
    }
  }

  /* The child's timer: the same pie, minutes and warnings as a block's. */
  function tickTimer(t) {
    if (!timerBox || !timerEnd) {
      return;
    }
    var key = "timer:" + timerEnd;
    if (t >= timerEnd) {
      stopTimer();
      if (announced.hasOwnProperty(key)) {
        delete announced[key];
        signal(spokenText(timerBox, ".js-timer-done [lang]"));
      }
      return;
    }
    timerBox.removeAttribute("hidden");
    var cue = cueOf(countdown(timerBox, 0, timerEnd, t));
    setClass(timerBox, "is-cue", cue !== null);
    setClass(timerBox, "is-cue-last", cue !== null && cues.length > 1 && cue === cues[cues.length - 1]);
    announce(key, cue, timerBox);
  }

  function within(el, name, stop) {
    while (el && el !== stop && el.nodeType === 1) {
      if (hasClass(el, name)) {
        return el;
      }
      el = el.parentNode;
    }
    return null;
  }

  /* A tap on the disc of what is on now opens the choices (one timer at a
   * time); a choice starts it; a tap anywhere else closes the choices. */
  function timerTap(evt) {
    var choice = within(evt.target, "js-timer-choice", document.body);
    if (choice) {
      startTimer(number(choice, "data-minutes"));
      return;
    }
    if (!chooser.hasAttribute("hidden")) {
      if (!within(evt.target, "timer-choose", document.body)) {
        chooser.setAttribute("hidden", "hidden");
      }
      return;
    }
    var disc = within(evt.target, "hero-timer", document.body);
    if (disc && !timerEnd && hasClass(disc.parentNode, "is-current")) {
      chooser.removeAttribute("hidden");
    }
  }

  function holdStart() {
    window.clearTimeout(holding);
    holding = window.setTimeout(stopTimer, HOLD_MS);
  }

  function holdEnd() {
    window.clearTimeout(holding);
    holding = null;
  }

  function tick() {
    var p = panel();
    var t = now();
    window.hibiAlive = Date.now();  /* watchdog.js reloads a wall whose script stopped */
    tickTimer(t);
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
        /* A fresh load of the page, not a reload: reload() asks again
         * for every script (304s), and a week's soak twice saw WebKit 602 come
         * back from one with a script that never ran. The page is no-store and
         * its static files are hashed, so a plain load fetches what changed. */
        window.location.replace(window.location.href.split("#")[0]);
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
    var wasOffline = offlineSince !== null;
    offlineSince = null;
    lastOk = Date.now();
    if (badge) {
      badge.setAttribute("hidden", "hidden");
    }
    if (wasOffline) {
      window.setTimeout(retryUnsaved, 0);
    }
  }

  /* Back online: each tap the server never got is sent again, once, if the
   * wall still does not show what it wanted (a tap is never silently lost). */
  function retryUnsaved() {
    for (var url in unsaved) {
      if (unsaved.hasOwnProperty(url)) {
        waitingTaps.push({ url: url, done: unsaved[url] });
      }
    }
    if (!tap) {
      nextTap();
    }
  }

  /* A new panel (first load or swapped in): take its clock as the truth. */
  function adopt() {
    var p = panel();
    if (p) {
      shownNow = number(p, "data-now");
      shownAt = Date.now();
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
    var buttons = p ? p.querySelectorAll(".js-tap [hx-post]") : [];
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("hx-post") === url) {
        return buttons[i];
      }
    }
    return null;
  }

  /* "Not saved" on each chore or routine whose failed tap the wall does not show yet. */
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
    each(p ? p.querySelectorAll(".js-tap") : [], function (item) {
      var lost = false;
      each(item.querySelectorAll("[hx-post]"), function (button) {
        lost = lost || unsaved.hasOwnProperty(button.getAttribute("hx-post"));
      });
      setClass(item, "is-unsaved", lost);
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
        /* htmx starts a poll it held back for the one in flight inside abort(),
         * before this tap is sent: that one must wait for the tap too. */
        tapStarting = true;
        cancelledPoll.abort();
        tapStarting = false;
      }
    } else if (el === panel() && (tap || tapStarting)) {
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

  /* A poll past calling off when the tap went out (its answer complete, not yet
   * swapped in) must not land either: the tap's answer is the fresher panel, and
   * a swap now would leave the tap answering into a panel gone from the page,
   * where htmx's word that it is over reaches no one and no poll would start
   * again until the watchdog's reload. */
  function beforeSwap(evt) {
    var xhr = evt.detail && evt.detail.xhr;
    if (tap && xhr && xhr !== tap.xhr && evt.target === panel()) {
      evt.detail.shouldSwap = false;
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

  if (chime) {
    /* touchend: iOS lets a page start sound only from a touch's end (or a click) */
    document.addEventListener("touchend", turnSoundOn, true);
    document.addEventListener("click", turnSoundOn, true);
    if (soundPrompt) {
      soundPrompt.removeAttribute("hidden");
    }
  }
  document.addEventListener("htmx:confirm", beforeRequest);
  document.addEventListener("htmx:beforeSend", beforeSend);
  document.addEventListener("htmx:beforeSwap", beforeSwap);
  document.addEventListener("htmx:afterRequest", afterRequest);
  document.addEventListener("htmx:afterSwap", function (evt) {
    if (evt.target && evt.target.id === "panel") {
      adopt();
      markUnsaved();
    }
  });
  /* A tablet turned on its side: fit again at the next tick. */
  window.addEventListener("resize", function () {
    var p = panel();
    if (p) {
      p.removeAttribute("data-layout");
    }
  });
  if (timerBox && chooser) {
    document.addEventListener("click", timerTap);
    each(["touchstart", "mousedown"], function (name) {
      timerBox.addEventListener(name, holdStart);
    });
    each(["touchend", "touchcancel", "touchmove", "mouseup", "mouseleave"], function (name) {
      timerBox.addEventListener(name, holdEnd);
    });
  }
  if (fully) {
    reportBattery();
    window.setInterval(reportBattery, BATTERY_MS);
  }
  adopt();
  window.hibiAlive = Date.now();
  timerEnd = timerBox ? loadTimer() : 0;
  tickTimer(now());
  window.setInterval(tick, Math.max(SHORTEST_TICK_MS, TICK_MS / rate));
  window.setInterval(drift, Math.max(SHORTEST_TICK_MS, DRIFT_MS / rate));
})();
