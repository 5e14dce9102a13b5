/* DOMParser's "text/html" for the engines that lack it.
 *
 * htmx 1.9 turns every answer into nodes with
 * new DOMParser().parseFromString(html, "text/html"), which Safari before 9.1
 * (iOS 9.0-9.2) and WebKit of that age answer with null: the wall would load
 * and then never change. Loaded before htmx; on an engine whose own parser
 * handles "text/html" it does nothing at all. Elsewhere it parses HTML into a
 * fresh inert document (document.implementation.createHTMLDocument), where
 * nothing runs or loads, as a DOMParser document; other types still go to the
 * engine's own parser.
 *
 * Hand-written ES5 (tests/test_static.py checks).
 */
(function () {
  "use strict";

  var Parser = window.DOMParser;
  var implementation = document.implementation;
  if (!Parser || !implementation || !implementation.createHTMLDocument) {
    return;
  }

  function parsesHtml() {
    try {
      var doc = new Parser().parseFromString("<p>x</p>", "text/html");
      return !!(doc && doc.body && doc.body.firstChild);
    } catch (e) {
      return false;
    }
  }

  if (parsesHtml()) {
    return;
  }

  var ownParse = Parser.prototype.parseFromString;
  var HTML_TYPE = /^\s*text\/html\s*(;|$)/i;
  var WHOLE_DOCUMENT = /<!doctype|<html[\s>]/i;

  Parser.prototype.parseFromString = function (markup, type) {
    if (!HTML_TYPE.test(String(type))) {
      return ownParse.apply(this, arguments);
    }
    var doc = implementation.createHTMLDocument("");
    if (WHOLE_DOCUMENT.test(markup)) {
      doc.documentElement.innerHTML = markup;
    } else {
      doc.body.innerHTML = markup;
    }
    return doc;
  };
})();
