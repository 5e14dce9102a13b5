// Lower htmx 1.9.12 from the npm package to ES5 for the wall's old tablets.
//
// Run after `npm ci`:  node scripts/vendor_htmx.js
// It writes static/vendor/htmx-1.9.12.es5.js, copies htmx's LICENSE next to
// it and records both files' SHA-256 in static/vendor/SHA256SUMS (checked
// by tests/test_static.py). The same package and Babel versions give the same
// bytes, so a reviewer can rerun it and compare with `git diff`.
"use strict";

var babel = require("@babel/core");
var crypto = require("crypto");
var fs = require("fs");
var path = require("path");

var ROOT = path.resolve(__dirname, "..");
var PACKAGE = path.join(ROOT, "node_modules", "htmx.org");
var TARGET = path.join(ROOT, "static", "vendor");
var EXPECTED_VERSION = "1.9.12";

function sha256(file) {
  return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

var version = JSON.parse(fs.readFileSync(path.join(PACKAGE, "package.json"), "utf8")).version;
if (version !== EXPECTED_VERSION) {
  throw new Error("node_modules has htmx.org " + version + ", expected " + EXPECTED_VERSION);
}

var source = fs.readFileSync(path.join(PACKAGE, "dist", "htmx.min.js"), "utf8");
var result = babel.transformSync(source, {
  babelrc: false,
  configFile: false,
  compact: true,
  comments: false,
  sourceType: "script",
  // Syntax only: htmx 1.9 needs no ES2015 library function on its normal paths,
  // and core-js polyfills would double the download.
  presets: [["@babel/preset-env", { targets: "iOS >= 9.3, Safari >= 9, Chrome >= 49", forceAllTransforms: true, modules: false }]],
});

var name = "htmx-" + version + ".es5.js";
var header = "/* htmx " + version + " (0BSD, see htmx.LICENSE), lowered to ES5 by scripts/vendor_htmx.js */\n";
fs.mkdirSync(TARGET, { recursive: true });
fs.writeFileSync(path.join(TARGET, name), header + result.code + "\n");
fs.copyFileSync(path.join(PACKAGE, "LICENSE"), path.join(TARGET, "htmx.LICENSE"));
var sums = [name, "htmx.LICENSE"].map(function (file) {
  return sha256(path.join(TARGET, file)) + "  " + file;
});
fs.writeFileSync(path.join(TARGET, "SHA256SUMS"), sums.join("\n") + "\n");
console.log(sums.join("\n"));
