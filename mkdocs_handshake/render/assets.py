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
.hs-lifecycle-active { color: #0d47a1; background: #e3f2fd; }
.hs-lifecycle-closed { color: #1b5e20; background: #e8f5e9; }
.hs-lifecycle-superseded, .hs-lifecycle-legacy, .hs-lifecycle-stub { color: #616161; background: #f5f5f5; }
.md-typeset .hs-packet-annotation { border-left: 0.2rem solid #90a4ae; padding-left: 0.8rem; margin-bottom: 1.5rem; }
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
/* File paths: the file name only (full path on hover), kept on one line. */
.hs-table code.hs-path, code.hs-path { white-space: nowrap; word-break: normal; overflow-wrap: normal; }
/* Phase gate: evidence is a summary plus a collapsed list. */
.hs-table.hs-gate { font-size: .7rem; }
.hs-gate th:first-child { width: 24%; }
.hs-gate th:nth-child(4) { width: 55%; }
.hs-gate th:nth-child(2), .hs-gate th:nth-child(3) { width: 1%; white-space: nowrap; }
.hs-gate ul { margin: .2em 0 .2em 1.1em; }
.hs-gate p { margin: .2em 0; }
details.hs-evidence, details.hs-critical, details.hs-findings { margin: .3em 0; }
details.hs-parts > summary { cursor: pointer; }
details.hs-evidence > summary, details.hs-critical > summary, details.hs-findings > summary { cursor: pointer; font-weight: 600; }
/* Packet page: compact "#" and label columns, findings grouped per rule. */
.md-typeset .hs-done-table th:first-child, .md-typeset .hs-done-table td:first-child { min-width: 0; width: 2.2em; text-align: right; }
.md-typeset .hs-packet-meta th:first-child, .md-typeset .hs-packet-meta td:first-child { min-width: 0; width: 8em; white-space: nowrap; }
.md-typeset .hs-audit-table td:last-child { white-space: nowrap; }
.md-typeset details.hs-findings table { font-size: .7rem; margin: .4em 0; }
.md-typeset details.hs-findings th { min-width: 0; }
/* Traceability: one collapsible block per anchored section. */
details.hs-trace-sec { margin: .5em 0; padding: .2em 0 .2em .6em; border-left: 3px solid var(--md-default-fg-color--lightest, #ddd); }
details.hs-trace-sec > summary { cursor: pointer; }
details.hs-trace-sec .hs-flag { color: #c62828; }
[data-md-color-scheme="slate"] details.hs-trace-sec .hs-flag { color: #ff8a80; }
details.hs-trace-sec > table { margin-top: .4em; }
details.hs-unanchored-all > summary { cursor: pointer; font-weight: 600; }
ul.hs-unanchored-list { font-size: .75rem; }
[data-md-color-scheme="slate"] .hs-uncovered, [data-md-color-scheme="slate"] tr.hs-uncovered td { background: rgba(255, 82, 82, .12); }
[data-md-color-scheme="slate"] .hs-unmapped { background: rgba(255, 193, 7, .12); }
[data-md-color-scheme="slate"] .hs-uncovered .hs-flag, [data-md-color-scheme="slate"] .hs-unmapped .hs-flag { color: #ff8a80; }
[data-md-color-scheme="slate"] .hs-strength-must, [data-md-color-scheme="slate"] .hs-uncovered .hs-flag { color: #ff8a80; }
[data-md-color-scheme="slate"] .hs-strength-should { color: #ffb74d; }
[data-md-color-scheme="slate"] .hs-strength-may { color: #b0bec5; }
/* Dependency DAG: nodes carry their own fill and dark text (set in the SVG),
   the background is transparent; the legend wraps above the graphs. */
.hs-dag { overflow-x: auto; margin: .5em 0 1.5em; }
.hs-dag svg { background: transparent; }
.hs-dag-legend { display: flex; flex-wrap: wrap; gap: .25em 1.1em; align-items: center; font-size: .7rem; margin: .5em 0 1em; }
.hs-legend-item { white-space: nowrap; }
.hs-swatch { display: inline-block; width: 1.3em; height: .95em; vertical-align: -.1em; border: 1px solid #37474f; }
.hs-legend-arrow { font-weight: 700; }
.hs-legend-cluster { display: inline-block; width: 1.3em; height: .95em; vertical-align: -.1em; border: 1px dashed #8c8c8c; }
[data-md-color-scheme="slate"] .hs-dag g.cluster text { fill: #c0c4cc; }
[data-md-color-scheme="slate"] .hs-dag g.cluster polygon { stroke: #9aa0aa; }
[data-md-color-scheme="slate"] .hs-dag g.edge path[stroke="#607d8b"],
[data-md-color-scheme="slate"] .hs-dag g.edge polygon[stroke="#607d8b"] { stroke: #b0bec5; }
[data-md-color-scheme="slate"] .hs-dag g.edge polygon[fill="#607d8b"] { fill: #b0bec5; }
[data-md-color-scheme="slate"] .hs-dag g.edge path[stroke="#c62828"],
[data-md-color-scheme="slate"] .hs-dag g.edge polygon[stroke="#c62828"] { stroke: #ff6e6e; }
[data-md-color-scheme="slate"] .hs-dag g.edge polygon[fill="#c62828"] { fill: #ff6e6e; }
[data-md-color-scheme="slate"] .hs-dag g.edge path[stroke="#8e24aa"],
[data-md-color-scheme="slate"] .hs-dag g.edge polygon[stroke="#8e24aa"] { stroke: #e1bee7; }
[data-md-color-scheme="slate"] .hs-dag g.edge polygon[fill="#8e24aa"] { fill: #e1bee7; }
[data-md-color-scheme="slate"] .hs-dag g.edge text { fill: #e1bee7; }
[data-md-color-scheme="slate"] .hs-arrow-validated { color: #b0bec5 !important; }
[data-md-color-scheme="slate"] .hs-arrow-blocker { color: #ff6e6e !important; }
[data-md-color-scheme="slate"] .hs-arrow-cycle { color: #e1bee7 !important; }
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
