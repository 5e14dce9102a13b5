"""What the whole-day walk asks of the wall at each moment, as the page sees itself.

Shared by tests/test_wall_day_browser.py: one function the page runs, given
what the planner says must be there (the current blocks, whether something
comes next, the chores due within the hour, the children's stars), returning
every way the wall fails a family at that moment: a thing hidden, cut off,
covered by another or off the screen, a page that would scroll, a heading
with nothing under it.
"""

CHECK = r"""
(expected) => {
  var problems = [];
  var panel = document.getElementById("panel");
  function box(el) { return el.getBoundingClientRect(); }
  function name(el) {
    return el.tagName.toLowerCase() + "." + String(el.className).split(" ").join(".") +
      " «" + el.textContent.replace(/\s+/g, " ").trim().slice(0, 30) + "»";
  }
  // Shown: drawn, not display:none or hidden on the way up, not cut by a box
  // that hides its overflow, inside the screen, and on top where it is.
  function seen(el) {
    for (var a = el; a && a !== document.documentElement; a = a.parentElement) {
      var s = getComputedStyle(a);
      if (s.display === "none") { return "display:none (" + name(a) + ")"; }
      if (s.visibility === "hidden") { return "hidden"; }
    }
    var r = box(el);
    if (r.width < 1 || r.height < 1) { return "has no size"; }
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) {
      return "off the screen " + JSON.stringify([r.left, r.top, r.right, r.bottom].map(Math.round));
    }
    for (var b = el.parentElement; b && b !== document.body; b = b.parentElement) {
      var o = getComputedStyle(b);
      if (o.overflowX === "visible" && o.overflowY === "visible") { continue; }
      var c = box(b);
      if (r.left < c.left - 1 || r.right > c.right + 1 ||
          r.top < c.top - 1 || r.bottom > c.bottom + 1) {
        return "cut by " + name(b);
      }
    }
    var points = [[0.5, 0.5], [0.15, 0.5], [0.85, 0.5], [0.5, 0.15], [0.5, 0.85]];
    for (var i = 0; i < points.length; i++) {
      var x = r.left + r.width * points[i][0], y = r.top + r.height * points[i][1];
      var top = document.elementFromPoint(x, y);
      if (top && top !== el && !el.contains(top) && !top.contains(el)) {
        return "covered by " + name(top);
      }
    }
    return "";
  }
  function need(what, el) {
    if (!el) { problems.push(what + ": missing"); return; }
    var why = seen(el);
    if (why) { problems.push(what + ": " + why + " " + name(el)); }
  }
  function shown(el) { return !seen(el); }
  if (panel.className.indexOf("is-night") >= 0) {
    return {night: true, problems: problems};
  }
  var heroes = [].slice.call(panel.querySelectorAll(".hero.is-current"));
  var titles = heroes.map(function (h) {
    var t = h.querySelector(".hero-title .main-text");
    return t ? t.textContent.trim() : "";
  });
  if (titles.slice().sort().join("|") !== expected.current.slice().sort().join("|")) {
    problems.push("current blocks " + JSON.stringify(titles) + " != " +
      JSON.stringify(expected.current));
  }
  heroes.forEach(function (h) { need("current block", h.querySelector(".hero-title")); });
  heroes.forEach(function (h) { need("its time left", h.querySelector(".pie")); });
  if (expected.next) {
    var then = panel.querySelector(".next-item.is-then");
    need("what comes next (" + expected.next + ")", then);
    var said = then && then.querySelector(".next-title .main-text");
    if (said && said.textContent.trim() !== expected.next) {
      problems.push("next says " + said.textContent.trim() + " != " + expected.next);
    }
  }
  [].slice.call(panel.querySelectorAll(".side .routine")).forEach(function (card) {
    var step = card.querySelector(".step-now") || card.querySelector(".routine-done");
    need("a routine's step", step);
  });
  expected.due.forEach(function (title) {
    var found = [].slice.call(panel.querySelectorAll(".chore, .chore-off")).filter(function (c) {
      var t = c.querySelector(".main-text");
      return t && t.textContent.trim() === title && shown(c);
    });
    if (!found.length) {
      var any = [].slice.call(panel.querySelectorAll(".chore, .chore-off")).filter(function (c) {
        var t = c.querySelector(".main-text");
        return t && t.textContent.trim() === title;
      });
      var why = any.length ? seen(any[0]) : "missing";
      problems.push("due within the hour: " + title + ": " + why);
    }
  });
  expected.stars.forEach(function (child) {
    var found = [].slice.call(panel.querySelectorAll(".side .star-row, .side .routine")).filter(
      function (row) {
        var who = row.querySelector(".who");
        var count = row.querySelector(".star-count");
        return who && count && who.textContent.indexOf(child) >= 0 && shown(count) && shown(who);
      });
    if (!found.length) { problems.push("stars of " + child + " not in sight"); }
  });
  [].slice.call(panel.querySelectorAll(".label")).forEach(function (heading) {
    if (!shown(heading)) { return; }
    var under = [].slice.call(heading.parentElement.children).filter(function (el) {
      return el !== heading && el.textContent.trim() && shown(el);
    });
    var items = [].slice.call(heading.parentElement.querySelectorAll("li, p, article")).filter(
      function (el) { return el !== heading && shown(el); });
    if (!under.length || !items.length) { problems.push("empty heading " + name(heading)); }
  });
  var page = document.documentElement;
  if (page.scrollHeight > innerHeight + 1 || page.scrollWidth > innerWidth + 1) {
    problems.push("the page scrolls: " + page.scrollWidth + "x" + page.scrollHeight);
  }
  return {night: false, problems: problems};
}
"""
