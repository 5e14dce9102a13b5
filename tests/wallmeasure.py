"""What a child needs of the wall, as the page measures it of itself.

Shared by the browser test at four sizes (tests/test_wall_child_browser.py)
and the old engines (tests/test_oldengine.py): one ES5 function the page runs,
returning the sizes and every text that is too small, cut or broken.
"""

# At 1024×600, from 3 m (issue 11): every text, titles, the countdown, the disc.
SMALLEST_TEXT_PX = 18
SMALLEST_TITLE_PX = 36
SMALLEST_COUNTDOWN_PX = 28
SMALLEST_DISC_PX = 200
SMALLEST_SPLIT_DISC_PX = 150

# What the page measures of itself: sizes, and every text that is not whole.
MEASURE = r"""
function () {
  var panel = document.getElementById("panel");
  function shown(el) {
    var r = el.getBoundingClientRect();
    var s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
  }
  function ownText(el) {
    var text = "";
    for (var n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { text += n.nodeValue; }
    }
    return text.replace(/\s+/g, "");
  }
  function name(el) {
    var text = el.textContent.trim().slice(0, 24);
    return el.tagName.toLowerCase() + "." + (el.className || "") + " «" + text + "»";
  }
  var texts = [], cut = [], small = [], broken = [];
  var all = panel.querySelectorAll("*");
  for (var i = 0; i < all.length; i++) {
    var el = all[i];
    if (el.closest("svg, rt, .unsaved, .offline, [hidden]") || !ownText(el) || !shown(el)) {
      continue;
    }
    var size = parseFloat(getComputedStyle(el).fontSize);
    texts.push(size);
    if (size < SMALLEST_TEXT) { small.push(name(el) + " " + size + "px"); }
    var r = el.getBoundingClientRect();
    var ellipsis = getComputedStyle(el).textOverflow === "ellipsis";
    if (ellipsis && el.scrollWidth > el.clientWidth + 1) {
      cut.push(name(el) + " ends in an ellipsis");
    }
    for (var a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      var s = getComputedStyle(a);
      if (s.overflowX === "visible" && s.overflowY === "visible") { continue; }
      if (/auto|scroll/.test(s.overflowX + " " + s.overflowY)) { break; }  // scrolled to
      var box = a.getBoundingClientRect();
      if (r.left < box.left - 1 || r.right > box.right + 1 ||
          r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        cut.push(name(el) + " is cut by " + name(a));
        break;
      }
    }
    if (!PHONE && (r.right > innerWidth + 1 || r.bottom > innerHeight + 1)) {
      cut.push(name(el) + " is off the screen");
    }
    if (PHONE && r.right > innerWidth + 1) {
      cut.push(name(el) + " is off the screen's side");
    }
  }
  // A Japanese title breaks only between text nodes (at a <wbr>) or after ・ and spaces.
  var titles = panel.querySelectorAll(
    ".main-text[lang=ja], .job-title[lang=ja], .night-title[lang=ja]");
  for (var t = 0; t < titles.length; t++) {
    if (!shown(titles[t])) { continue; }
    var walker = document.createTreeWalker(titles[t], NodeFilter.SHOW_TEXT, null, false);
    var node, lastTop = null, lastChar = "", range = document.createRange();
    while ((node = walker.nextNode())) {
      if (node.parentElement.closest("rt")) { continue; }
      var first = true;
      for (var c = 0; c < node.nodeValue.length; c++) {
        range.setStart(node, c); range.setEnd(node, c + 1);
        var rects = range.getClientRects();
        if (!rects.length) { continue; }
        var top = rects[0].top;
        var wraps = lastTop !== null && top > lastTop + 4 && !first;
        if (wraps && "・ 　、".indexOf(lastChar) < 0) {
          broken.push(name(titles[t]) + " breaks before «" + node.nodeValue.slice(c, c + 3) + "»");
        }
        lastTop = top; lastChar = node.nodeValue[c]; first = false;
      }
    }
  }
  function px(selector, property) {
    var found = [].slice.call(panel.querySelectorAll(selector)).filter(shown);
    return found.map(function (el) {
      return property === "width" ? el.getBoundingClientRect().width
        : parseFloat(getComputedStyle(el).fontSize);
    });
  }
  return {
    smallest_text: texts.length ? Math.min.apply(null, texts) : null,
    titles: px(".hero.is-current .hero-title .main-text", "font"),
    countdowns: px(".hero.is-current .left span:first-child", "font"),
    discs: px(".hero.is-current .pie", "width"),
    split: document.querySelector(".now.is-split") !== null,
    night: document.querySelector(".panel.is-night") !== null,
    small: small, cut: cut, broken: broken
  };
}
"""


def measure_script(phone: bool) -> str:
    """The measuring function's source, for page.evaluate() or `return (...)();`."""
    return MEASURE.replace("SMALLEST_TEXT", str(SMALLEST_TEXT_PX)).replace(
        "PHONE", "true" if phone else "false"
    )
