"""Stylesheet and script shipped beside the governance pages.

Both are plain strings written as extra files, so the site needs no build
step and no third-party script. Every page must read fine without the
script: it only adds table sorting (click a header) and the chapter filter
on the traceability page, whose select box stays hidden until the script
runs. Material's instant navigation swaps pages without reloading, so the
script re-initialises on its ``document$`` observable when present.
"""

from __future__ import annotations

HANDSHAKE_CSS = """\
/* mkdocs-handshake governance pages */
.hs-badge {
  display: inline-block;
  padding: 0 .45em;
  border-radius: .3em;
  font-size: .75em;
  font-weight: 600;
  line-height: 1.6;
  vertical-align: middle;
  border: 1px solid currentColor;
  white-space: nowrap;
}
.hs-status-validated { color: #1b5e20; background: #e8f5e9; }
.hs-status-done { color: #2e7d32; background: #f1f8e9; }
.hs-status-in-progress { color: #0d47a1; background: #e3f2fd; }
.hs-status-ready-for-dev { color: #37474f; background: #eceff1; }
.hs-status-blocked, .hs-status-failed { color: #b71c1c; background: #ffebee; }
.hs-status-superseded { color: #616161; background: #f5f5f5; text-decoration: line-through; }
.hs-status-gap, .hs-status-draft, .hs-status-unknown { color: #e65100; background: #fff3e0; }
.hs-mainbody { color: #1b5e20; }
.hs-roadmap { color: #6a1b9a; }
.hs-sev-error { color: #b71c1c; background: #ffebee; }
.hs-sev-warning { color: #e65100; background: #fff3e0; }
.hs-sev-waived { color: #616161; background: #f5f5f5; }
.hs-strength-must { color: #b71c1c; }
.hs-strength-should { color: #e65100; }
.hs-strength-may { color: #37474f; }
.hs-flag { font-weight: 700; }
tr.hs-waived td { opacity: .7; }
.hs-uncovered, tr.hs-uncovered td { background: #fff0f0; }
.hs-uncovered .hs-flag, .hs-unmapped .hs-flag { color: #b71c1c; }
.hs-unmapped { background: #fff8e1; }
.hs-table { border-collapse: collapse; width: 100%; font-size: .75rem; }
.hs-table th, .hs-table td { border: 1px solid var(--md-typeset-table-color, #ddd); padding: .3em .5em; vertical-align: top; text-align: left; }
.hs-table code { word-break: break-word; }
.hs-sortable th { cursor: pointer; user-select: none; }
.hs-sortable th[aria-sort="ascending"]::after { content: " \\25B2"; }
.hs-sortable th[aria-sort="descending"]::after { content: " \\25BC"; }
.hs-sec { margin: .6em 0; padding-left: .6em; border-left: 3px solid var(--md-default-fg-color--lightest, #ddd); }
.hs-sec-head { font-weight: 600; }
.hs-sec-num { font-family: var(--md-code-font-family, monospace); margin-right: .4em; }
.hs-sec-meta, .hs-meta { font-size: .75em; color: var(--md-default-fg-color--light, #555); }
.hs-reqs { margin: .3em 0 .3em 1.2em; font-size: .8em; }
.hs-trace-sec { margin: 1em 0; }
.hs-filter { margin: .5em 0 1em; }
.hs-filter[hidden] { display: none; }
[data-chapter][hidden] { display: none; }
"""

HANDSHAKE_JS = """\
/* mkdocs-handshake: table sorting and the traceability chapter filter.
   Plain script, no dependencies; pages work without it. */
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) { return ""; }
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim();
  }

  function compare(a, b) {
    var na = Number(a), nb = Number(b);
    if (a !== "" && b !== "" && !isNaN(na) && !isNaN(nb)) { return na - nb; }
    return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
  }

  function sortBy(table, header, index) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    for (var h = 0; h < headers.length; h++) { headers[h].removeAttribute("aria-sort"); }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (row, position) { row.__hsPosition = position; });
    rows.sort(function (r1, r2) {
      var result = compare(cellValue(r1, index), cellValue(r2, index));
      if (result === 0) { result = r1.__hsPosition - r2.__hsPosition; }
      return ascending ? result : -result;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function initSorting(root) {
    var tables = root.querySelectorAll("table.hs-sortable");
    Array.prototype.forEach.call(tables, function (table) {
      if (table.__hsSortable || !table.tHead) { return; }
      table.__hsSortable = true;
      var headers = table.tHead.rows[0].cells;
      Array.prototype.forEach.call(headers, function (header, index) {
        header.setAttribute("tabindex", "0");
        header.setAttribute("title", "Sort by this column");
        header.addEventListener("click", function () { sortBy(table, header, index); });
        header.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(table, header, index); }
        });
      });
    });
  }

  function applyFilter(root, chapter) {
    var items = root.querySelectorAll("[data-chapter]");
    Array.prototype.forEach.call(items, function (item) {
      item.hidden = chapter !== "" && item.getAttribute("data-chapter") !== chapter;
    });
  }

  function initFilter(root) {
    var boxes = root.querySelectorAll(".hs-filter");
    Array.prototype.forEach.call(boxes, function (box) {
      var select = box.querySelector("select");
      if (!select || box.__hsFilter) { return; }
      box.__hsFilter = true;
      box.hidden = false;
      select.addEventListener("change", function () { applyFilter(root, select.value); });
      applyFilter(root, select.value);
    });
  }

  function init() {
    initSorting(document);
    initFilter(document);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
"""
