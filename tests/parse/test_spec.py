"""Master Spec parsing: sections, list items, odd numbering, roadmap, requirements."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from mkdocs_handshake.model.spec import Section, Spec
from mkdocs_handshake.parse.spec import parse_spec
from mkdocs_handshake.parse.spec_headings import is_roadmap_title
from mkdocs_handshake.repository.source import decode, read_source

SPEC_FILE = "Demo_Master_Spec_v03.14.md"


def _parse(text: str, path: str = SPEC_FILE):
    return parse_spec(decode(text.encode("utf-8"), path))


def _line(text: str, startswith: str) -> int:
    """1-based line of the first line starting with ``startswith``."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(startswith):
            return number
    raise AssertionError(f"fixture has no line starting {startswith!r}")


def _one(spec: Spec, number: str) -> Section:
    (section,) = spec.by_number()[number]
    return section


BASIC = """\
# Demo Master Spec v03.14

## CHANGELOG

| Version | Date | Notes |
|---------|------|-------|
| v03.14 | 2026-01-02 | Added pumps |
| **v03.13** | 2026-01-01 | First |

# 1. Vision

Intro text. The product MUST work offline.

## 1.1 Scope [DM-SCOPE-001]

Users SHOULD be able to export.

```bash
# 9.9 not a heading
echo "this MUST NOT count"
```

| Rule | Text |
|------|------|
| R1 | Exports MAY be encrypted. |

### 1.1.1 Detail

Detail MUST stay here.

#### Notes

Notes text SHOULD stay with 1.1.1.

# Appendices

## A.1 Short appendix

## A9.2.1 Appendix entry
"""


def test_numbered_headings_become_sections_with_lines_levels_and_parents() -> None:
    spec, issues = _parse(BASIC)
    assert issues == []
    numbers = [section.number for section in spec.numbered_sections()]
    assert numbers == ["1", "1.1", "1.1.1", "A.1", "A9.2.1"]
    chapter = _one(spec, "1")
    assert (chapter.title, chapter.level, chapter.parent) == ("Vision", 1, None)
    assert chapter.loc.line == _line(BASIC, "# 1. Vision")
    detail = _one(spec, "1.1.1")
    assert (detail.title, detail.level, detail.parent, detail.kind) == ("Detail", 3, "1.1", "heading")
    assert (detail.loc.line, detail.loc.column) == (_line(BASIC, "### 1.1.1"), 5)
    assert detail.anchor == "sec-1-1-1"
    assert _one(spec, "A.1").parent is None and _one(spec, "A9.2.1").level == 2
    assert _one(spec, "1.1").has_subsections and not detail.has_subsections


def test_unnumbered_headings_are_sections_addressed_by_title_in_document_order() -> None:
    """A reader meets "#### Notes" as a section of the spec; it is found by
    its title, and its sentences stay with the numbered section around it."""
    spec, _ = _parse(BASIC)
    outline = [(section.number or section.title, section.kind) for section in spec.sections]
    assert outline == [
        ("Demo Master Spec v03.14", "unnumbered"), ("CHANGELOG", "unnumbered"), ("1", "heading"), ("1.1", "heading"),
        ("1.1.1", "heading"), ("Notes", "unnumbered"), ("Appendices", "unnumbered"), ("A.1", "heading"), ("A9.2.1", "heading"),
    ]
    notes = next(section for section in spec.sections if section.title == "Notes")
    assert (notes.parent, notes.level, notes.loc.line, notes.loc.column) == ("1.1.1", 4, _line(BASIC, "#### Notes"), 1)
    assert notes.anchor == "hd-notes" and notes.requirements == () and notes.main_body
    assert "" not in spec.by_number() and len(spec.numbered_sections()) == 5


EMBEDDED = """# 5. Prompts

The prompt MUST be sent as written:

```md
## SYSTEM RULES
Never guess.

### Scope
# Scope
```

```python
# 5.1 a comment, not a heading
```

## 5.1 Next
"""


def test_headings_of_a_markdown_document_in_a_fence_are_embedded_sections() -> None:
    """The spec writes out the documents it defines; their headings are
    sections of the spec (the bundle manifest counts them), marked
    ``embedded``, at the line they are written on, with ids kept unique.
    A comment line in other code is not a heading."""
    spec, issues = _parse(EMBEDDED)
    assert issues == []
    embedded = [(s.title, s.level, s.loc.line, s.parent, s.anchor) for s in spec.sections if s.kind == "embedded"]
    assert embedded == [
        ("SYSTEM RULES", 2, _line(EMBEDDED, "## SYSTEM RULES"), "5", "hd-system-rules"),
        ("Scope", 3, _line(EMBEDDED, "### Scope"), "5", "hd-scope"),
        ("Scope", 1, _line(EMBEDDED, "# Scope"), "5", "hd-scope-2"),
    ]
    assert [s.number for s in spec.numbered_sections()] == ["5", "5.1"]
    assert [r.text for r in spec.by_number()["5"][0].requirements] == ["The prompt MUST be sent as written:"]


def test_a_fence_that_swallows_spec_text_lends_it_no_embedded_headings() -> None:
    """An unclosed markdown fence swallows the next section (PARSE-006); that
    heading is the spec's own, reported as lost, not a document's section."""
    text = "# 5. Prompts\n\nIntro.\n\n```md\n## SYSTEM RULES\n\n## 5.1 Next\n\nNext MUST work.\n"
    spec, issues = _parse(text)
    assert [issue.rule for issue in issues] == ["PARSE-006"]
    assert [number for number, _ in spec.swallowed_headings] == ["5.1"]
    assert [s.title for s in spec.sections if s.kind == "embedded"] == ["SYSTEM RULES"]


def test_title_version_and_changelog() -> None:
    spec, _ = _parse(BASIC)
    assert spec.version == "03.14"
    assert spec.title == "Demo Master Spec v03.14"
    assert spec.title_version == "03.14"
    assert spec.title_loc is not None and spec.title_loc.line == 1
    versions = [(version, loc.line) for version, loc in spec.changelog_versions]
    assert versions == [("03.14", _line(BASIC, "| v03.14")), ("03.13", _line(BASIC, "| **v03.13"))]


def test_changelog_entries_written_as_headings() -> None:
    text = "# Spec v01.02\n\n## 9. Change Log\n\n### v01.02 (2026-01-02)\n- x\n\n### v01.01\n- y\n\n## 10. Next\n\n### v09.09 not a log\n"
    spec, _ = _parse(text, "Spec_v01.02.md")
    assert [(v, loc.line, loc.column) for v, loc in spec.changelog_versions] == [("01.02", 5, 5), ("01.01", 8, 5)]


def test_requirements_own_body_only_no_code_with_table_rows() -> None:
    spec, _ = _parse(BASIC)
    scope = _one(spec, "1.1")
    # A table row is one requirement, read across its cells.
    assert [r.text for r in scope.requirements] == ["Users SHOULD be able to export.", "R1 | Exports MAY be encrypted."]
    assert [r.index for r in scope.requirements] == [1, 2]
    cell = scope.requirements[1]
    row = _line(BASIC, "| R1 |")
    assert (cell.loc.line, cell.loc.column) == (row, BASIC.split("\n")[row - 1].index("R1") + 1)
    # The code block under the first requirement is evidence for it, not a requirement.
    assert "this MUST NOT count" not in " ".join(r.text for r in scope.requirements)
    assert scope.ids == ("DM-SCOPE-001",)
    # An unnumbered sub-heading's text belongs to the numbered section above it.
    detail = _one(spec, "1.1.1")
    assert [r.text for r in detail.requirements] == ["Detail MUST stay here.", "Notes text SHOULD stay with 1.1.1."]
    assert detail.end_line == _line(BASIC, "Notes text")
    assert scope.end_line == _line(BASIC, "| R1 |")
    assert _one(spec, "1").requirements[0].loc.line == _line(BASIC, "Intro text.")


LISTS = """\
# Demo Spec v01.00

## 7.6 Development Roadmap

### 7.6.3 Phase 1 — Core

Intro.

1. **Runtime core**  
   - The runtime MUST start in under a second.
2. **Jobs:** durable jobs
   - Jobs SHOULD be retried.

#### 11.7.5 Stray gates

- Gates MUST block releases.

3. **Exports (MVP)**
   - Exports MAY be zipped.
2. **Restarted numbering**

Closing paragraph MUST belong to 7.6.3.

#### Steps

1. unnumbered-heading list item

### 7.6.4 Phase 2 — Later

## 7.7 Shipping

Shipping MUST happen.
"""


def test_ordered_list_items_are_addressable_sections() -> None:
    spec, _ = _parse(LISTS)
    runtime = _one(spec, "7.6.3.1")
    assert (runtime.kind, runtime.title, runtime.parent, runtime.level) == ("list-item", "Runtime core", "7.6.3", 4)
    assert (runtime.loc.line, runtime.loc.column) == (_line(LISTS, "1. **Runtime core**"), 1)
    assert runtime.anchor == "sec-7-6-3-1"
    # Indented detail lines that markdown puts beside the list belong to the item.
    assert [r.text for r in runtime.requirements] == ["The runtime MUST start in under a second."]
    assert runtime.end_line == _line(LISTS, "   - The runtime MUST")
    # The label-style bold lead is the title.
    assert spec.by_number()["7.6.3.2"][0].title == "Jobs"


def test_stray_heading_is_out_of_order_and_does_not_take_the_list() -> None:
    spec, issues = _parse(LISTS)
    stray = _one(spec, "11.7.5")
    assert stray.out_of_order and not stray.duplicate
    assert stray.parent == "7.6.3"
    assert [r.text for r in stray.requirements] == ["Gates MUST block releases."]
    exports = _one(spec, "7.6.3.3")
    assert exports.parent == "7.6.3"
    assert exports.loc.line == _line(LISTS, "3. **Exports")
    assert [r.text for r in exports.requirements] == ["Exports MAY be zipped."]
    (issue,) = issues
    assert (issue.rule, issue.subject, issue.loc.line) == ("PARSE-003", "11.7.5", _line(LISTS, "#### 11.7.5"))
    assert issue.excerpt == "11.7.5 Stray gates"


def test_restarted_list_numbers_are_kept_as_duplicates_without_issue() -> None:
    spec, issues = _parse(LISTS)
    first, again = spec.by_number()["7.6.3.2"]
    assert not first.duplicate and again.duplicate
    assert again.title == "Restarted numbering"
    assert all(issue.subject != "7.6.3.2" for issue in issues)


def test_heading_requirements_include_its_items_and_body_returns_after_list() -> None:
    spec, _ = _parse(LISTS)
    core = _one(spec, "7.6.3")
    assert [r.text for r in core.requirements] == [
        "The runtime MUST start in under a second.",
        "Jobs SHOULD be retried.",
        "Exports MAY be zipped.",
        "Closing paragraph MUST belong to 7.6.3.",
    ]
    assert [r.index for r in core.requirements] == [1, 2, 3, 4]
    assert core.end_line == _line(LISTS, "1. unnumbered-heading")


def test_list_under_unnumbered_heading_is_not_addressable() -> None:
    spec, _ = _parse(LISTS)
    items = [s.number for s in spec.sections if s.kind == "list-item"]
    assert items == ["7.6.3.1", "7.6.3.2", "7.6.3.3", "7.6.3.2"]


def test_roadmap_parts_are_not_main_body() -> None:
    spec, _ = _parse(LISTS)
    assert not _one(spec, "7.6").main_body
    assert not _one(spec, "7.6.3").main_body
    assert not _one(spec, "7.6.3.1").main_body
    assert not _one(spec, "11.7.5").main_body
    assert _one(spec, "7.7").main_body
    assert [(text, loc.line) for text, loc in spec.roadmap_headings] == [
        ("7.6 Development Roadmap", _line(LISTS, "## 7.6")),
    ]


def test_unnumbered_roadmap_and_phase_headings() -> None:
    text = """\
# 3. Plans

## 3.1 Now

## Roadmap

### 3.2 Later thing

## 3.3 Phase 1 closure

## 3.4 Phase 2+ ideas

### 3.4.1 Detail

## 3.5 Future Work

# 4. Back
"""
    spec, _ = _parse(text)
    main = {s.number or s.title: s.main_body for s in spec.sections}
    assert main == {"Roadmap": False, "3": True, "3.1": True, "3.2": False, "3.3": True, "3.4": False, "3.4.1": False, "3.5": False, "4": True}
    assert [(t, loc.line) for t, loc in spec.roadmap_headings] == [
        ("Roadmap", 5),
        ("3.4 Phase 2+ ideas", 11),
        ("3.5 Future Work", 15),
    ]
    assert is_roadmap_title("Phase 3: ASR") and is_roadmap_title("Phase 2 — Ingestion")
    assert not is_roadmap_title("Phase 1 Closure Requirements") and not is_roadmap_title("Phases 1–4 overview")


def test_duplicate_heading_is_kept_and_reported() -> None:
    text = "# 2. Data\n\n## 2.1 Entities\n\n## 2.2 Model\n\n## 2.2 Model again\n\nIt MUST exist.\n"
    spec, issues = _parse(text)
    first, second = spec.by_number()["2.2"]
    assert not first.duplicate and second.duplicate and not second.out_of_order
    assert [r.text for r in second.requirements] == ["It MUST exist."]
    (issue,) = issues
    assert (issue.rule, issue.loc.line, issue.subject) == ("PARSE-003", 7, "2.2")


def test_misleveled_sibling_and_stray_children_reported_once() -> None:
    text = "# 2. A\n\n## 2.2 B\n\n### 2.2.2 C\n\n#### 2.2.3 Next sibling, too deep\n\n#### 9.1 Stray\n\n##### 9.1.1 Child of stray\n\n#### 2.2.4 Back\n"
    spec, issues = _parse(text)
    flags = {s.number: s.out_of_order for s in spec.sections}
    assert flags == {"2": False, "2.2": False, "2.2.2": False, "2.2.3": False, "9.1": True, "9.1.1": False, "2.2.4": False}
    assert [issue.subject for issue in issues] == ["9.1"]


def test_list_item_colliding_with_a_heading_number_is_duplicate() -> None:
    text = "# 1. A\n\n## 1.1 B\n\n1. first\n2. second\n\n### 1.1.1 Heading\n"
    spec, issues = _parse(text)
    item, heading = spec.by_number()["1.1.1"]
    assert item.kind == "list-item" and item.duplicate
    assert heading.kind == "heading" and not heading.duplicate
    assert issues == []


# --------------------------------------------------------------------------
# The real corpus
# --------------------------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "handshake-2025-12-27"
REAL_SPEC = "Handshake_Master_Spec_v02.93.md"


@pytest.fixture(scope="module")
def real() -> tuple[Spec, list, list[str]]:
    if not (CORPUS / REAL_SPEC).is_file():
        pytest.skip("real corpus not present")
    src = read_source(CORPUS.resolve(), REAL_SPEC)
    spec, issues = parse_spec(src)
    return spec, issues, src.lines


def _heading_line(lines: list[str], number: str) -> int:
    """Line of the first ATX heading line ``#... <number> ``, found by scanning."""
    for index, line in enumerate(lines, start=1):
        if line.startswith("#") and line.lstrip("#").strip().split(" ", 1)[0].rstrip(".") == number:
            return index
    raise AssertionError(f"no heading {number}")


def _looks_numbered(text: str) -> bool:
    """Independent reading of "starts with a section number"."""
    first = text.replace("*", "").strip().split(" ", 1)[0].removeprefix("§")
    if first.endswith("."):
        first = first[:-1]
    parts = first.split(".")
    if not first or not parts[0]:
        return False
    head = parts[0]
    head_ok = head.isdigit() and len(head) <= 3 or (
        head[0].isupper() and head[0].isascii() and (head[1:].isdigit() and len(head) <= 4 or (head[1:] == "" and len(parts) > 1))
    )
    return head_ok and all(part.isdigit() and len(part) <= 4 for part in parts[1:])


@pytest.mark.corpus
def test_real_spec_every_numbered_heading_is_a_section(real) -> None:
    spec, _, lines = real
    tokens = MarkdownIt("commonmark").enable("table").parse("\n".join(lines))
    expected = [
        tokens[index].map[0] + 1
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and _looks_numbered(tokens[index + 1].content)
    ]
    got = [s.loc.line for s in spec.sections if s.kind == "heading"]
    assert len(expected) > 1000
    assert got == expected


@pytest.mark.corpus
def test_real_spec_header_facts(real) -> None:
    spec, _, lines = real
    assert spec.version == "02.93" and spec.title_version == "02.93"
    assert spec.title_loc is not None and lines[spec.title_loc.line - 1].startswith("# ")
    start = next(n for n, line in enumerate(lines, start=1) if line.startswith("## CHANGELOG"))
    end = next(n for n, line in enumerate(lines, start=1) if n > start and line.startswith("#"))
    table_versions = [
        (line.split("|")[1].strip().lstrip("v"), number)
        for number, line in enumerate(lines[start:end], start=start + 1)
        if re.match(r"\| v\d+\.\d+ \|", line)
    ]
    assert len(table_versions) >= 2
    assert spec.changelog_versions[0][0] == spec.version
    assert [(v, loc.line) for v, loc in spec.changelog_versions[: len(table_versions)]] == table_versions


@pytest.mark.corpus
def test_real_spec_roadmap_and_list_items(real) -> None:
    spec, issues, lines = real
    by = spec.by_number()
    roadmap = [s for s in spec.sections if s.number.startswith("7.6.")]
    assert roadmap and not any(s.main_body for s in roadmap)
    assert by["2.3.12.1"][0].main_body
    assert by["7.6"][0].loc.line in [loc.line for _, loc in spec.roadmap_headings]
    for number in ("7.6.3.14", "7.6.3.12"):
        item = by[number][0]
        assert item.kind == "list-item" and item.parent == "7.6.3"
        assert re.match(rf"\s{{0,3}}{number.rsplit('.', 1)[1]}\. ", lines[item.loc.line - 1])
    stray = [s for s in by["11.7.5"] if s.parent == "7.6.3"]
    assert len(stray) == 1 and stray[0].out_of_order
    heading_7_6_3 = _heading_line(lines, "7.6.3")
    assert heading_7_6_3 < stray[0].loc.line < by["7.6.3.14"][0].loc.line
    assert any(i.rule == "PARSE-003" and i.subject == "11.7.5" and i.loc.line == stray[0].loc.line for i in issues)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "number", ["1", "1.1", "1.1.1", "2.3.12.1", "2.6.1", "2.1.11.2", "6.2.9", "7.6.3", "8.7.3", "10.10.10.2", "7.6", "2.9.4"]
)
def test_real_spec_spot_check_heading_lines(real, number: str) -> None:
    spec, _, lines = real
    first = spec.by_number()[number][0]
    expected_line = _heading_line(lines, number)
    assert first.loc.line == expected_line
    heading_text = lines[expected_line - 1].lstrip("#").strip()
    assert heading_text.endswith(first.title)
    assert first.level == len(lines[expected_line - 1]) - len(lines[expected_line - 1].lstrip("#"))


@pytest.mark.corpus
def test_real_spec_requirements_point_at_their_text(real) -> None:
    spec, _, lines = real
    section = spec.by_number()["2.6.1"][0]
    ids = [i for r in section.requirements for i in r.ids]
    assert "HSK-WF-002" in ids
    for requirement in section.requirements:
        at = lines[requirement.loc.line - 1][requirement.loc.column - 1 :]
        assert re.sub(r"\W", "", at)[:8] == re.sub(r"\W", "", requirement.text)[:8]
        assert section.loc.line < requirement.loc.line <= section.end_line


PASTED = """# 1. Intro

## 1.1 Goals

# 2. Design

## 2.1 Storage

### 2.1.1 Research note (pasted)

#### 1. Background

#### 1.1 Prior art

#### 2. Options

## 2.2 Sync

## 2.3 Audit

### 2.3.1 Extra

#### 2.2.3 Misplaced

### 2.3.1 Extra again
"""


def test_pasted_document_is_reported_once_and_does_not_own_spec_numbers() -> None:
    spec, issues = _parse(PASTED)
    found = [(issue.loc.line, issue.message) for issue in issues]
    # The pasted note's stray "1." is one issue naming both problems; its
    # "1.1" and "2." repeat spec numbers but are the same problem.
    assert found[0] == (
        _line(PASTED, "#### 1. Background"),
        "section 1 is out of order inside 2.1.1; its number is used by an earlier heading too",
    )
    assert not any(line in (_line(PASTED, "#### 1.1 Prior"), _line(PASTED, "#### 2. Options")) for line, _ in found)
    # The spec's own headings keep their numbers: 1.1 is Goals, 2 is Design.
    numbers = spec.by_number()
    assert [(s.title, s.duplicate) for s in numbers["1.1"]] == [("Goals", False), ("Prior art", True)]
    assert [(s.title, s.duplicate) for s in numbers["2"]] == [("Design", False), ("Options", True)]
    # After the note (a heading at its host's level), numbering is the spec's own again.
    assert not numbers["2.2"][0].duplicate


def test_misplaced_multi_part_heading_is_no_pasted_document() -> None:
    spec, issues = _parse(PASTED)
    found = [(issue.loc.line, issue.message) for issue in issues]
    assert found[1:] == [
        (_line(PASTED, "#### 2.2.3 Misplaced"), "section 2.2.3 is out of order inside 2.3.1"),
        (_line(PASTED, "### 2.3.1 Extra again"), "section number 2.3.1 is used by an earlier heading too"),
    ]


def test_spec_heading_after_a_pasted_namesake_keeps_its_number() -> None:
    text = "# 1. Intro\n\n## 1.1 Goals\n\n### 1.1.1 Note\n\n#### 0. Stance\n\n#### 2. Later in the note\n\n# 2. Design\n"
    spec, issues = _parse(text)
    assert [(s.title, s.duplicate) for s in spec.by_number()["2"]] == [("Later in the note", True), ("Design", False)]
    assert [issue.loc.line for issue in issues] == [_line(text, "#### 0. Stance")]


COPIED = """# 1. Intro

## 1.1 Goals

# 2. Design

## 2.1 Storage

### 2.1.1 Calendar research v0.4 (verbatim import; headings adjusted)

#### 0. Design stance

#### 1.1 Prior art

##### 7.4 Checks

### 2.1.2 Review (existing shorthand in verbatim research)

#### 9.9 Misplaced

## Appendix: Sync addendum v0.5 (Archived Copy)

# Sync addendum v0.5

## 1. Scope

## 2. Protocol

### 2.1 Handshake
"""


def test_a_heading_that_declares_a_copy_leaves_the_copys_numbering_alone() -> None:
    """A copy keeps its own numbers: nothing under "(verbatim import)" is
    reported, and none of it takes a number from the spec's own headings.
    An archived copy whose own title is a higher-level heading runs on
    under that title. A tag that only mentions the word declares nothing."""
    spec, issues = _parse(COPIED)
    assert [(issue.loc.line, issue.subject) for issue in issues] == [(_line(COPIED, "#### 9.9 Misplaced"), "9.9")]
    numbers = spec.by_number()
    assert [(s.title, s.duplicate) for s in numbers["1.1"]] == [("Goals", False), ("Prior art", True)]
    assert [(s.title, s.duplicate) for s in numbers["2.1"]] == [("Storage", False), ("Handshake", True)]
    assert [(s.title, s.duplicate) for s in numbers["2"]] == [("Design", False), ("Protocol", True)]



def test_a_copys_own_title_at_the_level_of_the_heading_that_declares_it_keeps_the_copy() -> None:
    """'### 9.1 Canonical Specification (verbatim import)' followed by the
    imported document's own '### <title>': the title does not end the
    copy, so the import's '#### 1. Implementation Guide' is not reported
    (it is still a section). A numbered heading at that level is the
    spec's next section, not a title, and ends the copy."""
    text = (
        "# 9. Distillation\n\n## 9.0 Why\n\n### 9.1 Canonical Specification (verbatim import)\n\n"
        "### Skill Distillation - Technical Specification\n\nThis document defines it.\n\n"
        "#### 1. Implementation Guide\n\n##### 1.1 Core data model\n\n"
        "### 9.2 Notes\n\n#### 7.7 Misplaced\n"
    )
    spec, issues = _parse(text)
    assert [(issue.subject, issue.loc.line) for issue in issues] == [("7.7", _line(text, "#### 7.7"))]
    assert [s.title for s in spec.by_number()["1"]] == ["Implementation Guide"]


FENCES = """# 1. Intro

## 1.1 Goals

The service MUST start.

Struct:
    pub struct Entry {
        id: u64,
    }
```

## 1.2 Storage

The journal MUST be flushed.

```text
diagram
```

# 2. Sync

## 2.1 Examples

```markdown
Run on the node:

```bash
# 1. follow the events
tallyctl events --follow
```

## Example heading

More example text.
```

## 2.2 Batches

```bash
# 3. count the batches
tallyctl events --group-by session
```
"""


def _fence_issues(text: str) -> list:
    _spec, issues = _parse(text)
    return [issue for issue in issues if issue.rule == "PARSE-006"]


def test_a_fence_whose_opening_is_missing_swallows_the_next_section_and_says_so() -> None:
    """The bare fence after the struct was meant to close it: it opens a
    block that swallows §1.2, whose section and requirement vanish, and
    the fences after it stay out of step up to the next heading: one
    finding, naming what was lost."""
    spec, _ = _parse(FENCES)
    assert "1.2" not in spec.by_number()
    assert [(number, loc.line) for number, loc in spec.swallowed_headings] == [("1.2", _line(FENCES, "## 1.2")), ("2.2", _line(FENCES, "## 2.2"))]
    first = _fence_issues(FENCES)[0]
    assert (first.loc.line, first.excerpt) == (_line(FENCES, "```"), "```")  # the first fence: the one after the struct
    assert "swallows the heading '## 1.2 Storage'" in first.message
    assert "add the opening fence missing above it" in first.message


def test_a_fenced_example_holding_a_fence_of_its_kind_is_reported_once_with_its_knock_on() -> None:
    """The markdown example's inner bash block closes the example; the
    example's own closing fence then opens a block that swallows §2.2.
    A shell comment '# 3. count' inside a well-formed bash block is no
    heading of the spec and is never named."""
    issues = _fence_issues(FENCES)
    assert [issue.excerpt for issue in issues] == ["```", "```markdown"]
    example = issues[1]
    assert "holds the fence '```bash'" in example.message
    assert "swallows the heading '## 2.2 Batches'" in example.message
    assert "longer fence (````markdown)" in example.message
    assert "3. count" not in example.message


def test_well_formed_fences_are_not_reported() -> None:
    text = "# 1. Intro\n\n````markdown\nExample:\n\n```bash\n# 1. step\nrun\n```\n````\n\n## 1.1 Goals\n\n```\n# 2. not a heading here\n```\n"
    assert _fence_issues(text) == []


def test_heading_finding_quotes_the_heading_as_written() -> None:
    _spec, issues = _parse("# 9. Engines\n\n## 9.9 Proxy\n\n## 9.9 `engine.proxy` (NEW)\n")
    (issue,) = issues
    assert (issue.rule, issue.loc.line, issue.excerpt) == ("PARSE-003", 5, "9.9 `engine.proxy` (NEW)")


LEAD_IN = """\
# 4. Views

## 4.1 Problems

The Problems view MUST:

- Provide filters for: `severity`, `job_id`.
- Group by fingerprint.

Rows SHOULD be sorted.

```rust
fn emit() -> Result<(), HskError> { Err(HskError::new("HSK-402-BUDGET-EXCEEDED")) }
```

| Rule | Text |
|------|------|
| MT-VAL-002 | `mt_id` MUST match the pattern |
| note | plain words only |
"""


def test_items_of_a_normative_lead_in_are_requirements_and_code_is_evidence() -> None:
    spec, _ = _parse(LEAD_IN)
    problems = _one(spec, "4.1")
    assert [(r.text, r.strength) for r in problems.requirements] == [
        ("The Problems view MUST: Provide filters for: severity, job_id.", "MUST"),
        ("The Problems view MUST: Group by fingerprint.", "MUST"),
        ("Rows SHOULD be sorted.", "SHOULD"),
        ("MT-VAL-002 | mt_id MUST match the pattern", "MUST"),
    ]
    filters, _, sorted_rows, row = problems.requirements
    assert filters.loc.line == _line(LEAD_IN, "- Provide filters")
    assert "job_id" in filters.evidence and "severity" in filters.evidence
    # The code block follows "Rows SHOULD be sorted.": its names are that requirement's evidence.
    assert "HSK-402-BUDGET-EXCEEDED" in sorted_rows.evidence and "HskError::new" in sorted_rows.evidence
    assert "fn" not in sorted_rows.evidence
    assert "mt_id" in row.evidence


def test_a_closed_fence_inside_a_list_item_or_quote_is_closed() -> None:
    """A block inside a list item or a block quote closes with the
    container's indent or marker in front of its fence: that is no
    block running to the end of the file."""
    text = (
        "# 1. Intro\n\n## 1.1 Goals\n\n"
        "- Steps:\n  - Step one:\n\n    ```text\n\n    ## 1.2 Example heading\n\n    body\n    ```\n\n"
        "> ```text\n>\n> ## 1.2 Quoted heading\n>\n> body\n> ```\n\n## 1.2 Storage\n"
    )
    assert _fence_issues(text) == []


def test_a_heading_whose_section_a_code_block_swallowed_is_not_reported_as_out_of_order() -> None:
    """§1.2 went into a code block, so the §1.2.2 after it stands inside
    §1.1: out of order only because of the block, which PARSE-006 names."""
    text = (
        "# 1. Intro\n\n## 1.1 Goals\n\nStruct:\n\n    body\n```\n\n## 1.2 Storage\n\nThe journal MUST flush.\n\n"
        "### 1.2.1 Files\n\nFiles MUST be small.\n```\n\n### 1.2.2 Journal\n\nThe journal MUST be kept.\n\n### 3.9 Stray\n"
    )
    spec, issues = _parse(text)
    assert [issue.rule for issue in issues if issue.rule == "PARSE-006"] == ["PARSE-006"]
    assert [issue.subject for issue in issues if issue.rule == "PARSE-003"] == ["3.9"]
    assert "1.2.2" in spec.by_number()


def test_a_heading_after_a_misnumbered_block_is_measured_against_the_last_heading_in_step() -> None:
    """A pasted block numbered 9.9-9.12 inside §6.3.2 is one problem, reported
    at its first heading. The spec's own §6.3.3 after it follows §6.3.2.2: it
    is not "out of order inside 9.12", and a repeat of the block's own last
    number stays with the block (reported as a duplicate only)."""
    text = (
        "# 6. Integrations\n\n## 6.3 Engines\n\n### 6.3.2 List\n\n#### 6.3.2.1 merge\n\n#### 6.3.2.2 export\n\n"
        "### 9.9 proxy\n\n### 9.10 vision\n\n#### 9.10.1 detail\n\n### 9.11 llm\n\n### 9.11 llm again\n\n"
        "### 9.12 comfyui\n\n#### 6.3.3 GPU Scheduling\n\n##### 6.3.3.1 Queues\n\n### 6.4 Next\n"
    )
    spec, issues = _parse(text)
    assert [(issue.subject, issue.message) for issue in issues] == [
        ("9.9", "section 9.9 is out of order inside 6.3"),
        ("9.11", "section number 9.11 is used by an earlier heading too"),
    ]
    flags = {s.number: s.out_of_order for s in spec.sections if s.number.startswith("6.3.3")}
    assert flags == {"6.3.3": False, "6.3.3.1": False}


DIAGRAMS = """# 4. Models

## 4.3 Runtimes

### 4.3.4 Scheduling

Some prose.

│  GPU box   │
└────────────┘
```

#### 4.3.5.2 Expanded Recommendations

The default model MUST fit in VRAM.

#### 4.3.5.3 Memory Budget

```
┌────────────┐
│  VRAM      │
└────────────┘
```

### 4.3.6 Local Runtimes

The runtime MUST be local.
"""


def test_the_fence_blamed_is_the_first_whose_pairing_goes_wrong() -> None:
    """The diagram that ends before §4.3.5.2 has no opening fence: its
    closing fence opens a block that swallows §4.3.5.2-4.3.5.3 (whose own
    parent 4.3.5 is missing, so they fit no numbering), the next diagram's
    opening fence closes it, and its closing fence swallows §4.3.6. One
    finding, at the first fence out of step, naming both; adding the
    missing opener there fixes all of it."""
    (issue,) = _fence_issues(DIAGRAMS)
    assert issue.loc.line == _line(DIAGRAMS, "└────────────┘") + 1
    assert "swallows the heading '#### 4.3.5.2 Expanded Recommendations'" in issue.message
    assert "swallows the heading '### 4.3.6 Local Runtimes'" in issue.message
    assert issue.message.endswith("(this fence was probably meant to close a block: add the opening fence missing above it)")


# --------------------------------------------------------------------------
# Issue 20, June sample: blame the heading out of its sequence
# --------------------------------------------------------------------------


def test_a_duplicate_is_blamed_on_the_heading_written_below_its_level_not_the_one_in_step() -> None:
    """June 04-llm-infrastructure: "### 4.5"/"### 4.6" inside "## 4.4",
    then the chapter's own "## 4.5", "## 4.6", "## 4.7": the misplaced
    pair is the one finding; the in-step sections are not renumbered."""
    text = "# 4. LLM\n\n## 4.4 Runtimes\n\n### 4.4.1 Local\n\n### 4.5 Orchestration\n\n### 4.6 Tokens\n\n## 4.5 Layer-wise\n\n## 4.6 Model runtime\n\n## 4.7 Lab\n"
    spec, issues = _parse(text)
    assert [(issue.loc.line, issue.message) for issue in issues] == [(_line(text, "### 4.5"), "section 4.5 is out of order inside 4.4")]
    in_step = [section for section in spec.sections if section.level == 2 and section.number in ("4.5", "4.6")]
    assert [(s.out_of_order, s.duplicate) for s in in_step] == [(False, False), (False, False)]


def test_a_sibling_one_level_too_deep_with_no_namesake_is_still_accepted() -> None:
    text = "# 2. A\n\n## 2.2 B\n\n### 2.2.2 C\n\n#### 2.2.3 Too deep, but the only 2.2.3\n\n### 2.2.4 D\n"
    assert _parse(text)[1] == []


def test_an_in_step_heading_is_no_duplicate_of_a_stray_that_used_its_number_first() -> None:
    """February: '### 11.4 VLM Token Budgeting' inside §2.3 (reported there)
    does not make chapter 11's own §11.4 a duplicate; two strays with one
    number are still duplicates of each other."""
    text = "# 2. Arch\n\n## 2.3 Content\n\n### 11.4 VLM budgeting\n\n### 11.4 VLM again\n\n# 11. Platform\n\n## 11.3 C\n\n## 11.4 Diagnostics\n"
    _spec, issues = _parse(text)
    assert [(issue.loc.line, issue.message) for issue in issues] == [
        (_line(text, "### 11.4 VLM budgeting"), "section 11.4 is out of order inside 2.3"),
        (_line(text, "### 11.4 VLM again"), "section number 11.4 is used by an earlier heading too"),
    ]


def test_a_single_number_written_no_deeper_than_the_deep_section_before_it_is_list_numbering() -> None:
    """June 11-shared-dev-platform:4196: '### 1. Symlink attack' is item 1
    of the red-team report under '#### 11.3.7.5 Red Team Audit'; a '### 1.'
    nested under '## 13.1' still opens a pasted document worth reporting."""
    report = "# 11. Platform\n\n## 11.3 MCP\n\n### 11.3.7 Audit\n\n#### 11.3.7.5 Red Team Audit\n\n### 1. Symlink attack\n\n### 2. Prompt injection\n\n## 11.4 Next\n"
    assert _parse(report)[1] == []
    pasted = "# 13. Tailor\n\n## 13.1 Overview\n\n### 1. What Tailor Is\n\n### 2. Scope\n"
    assert [issue.loc.line for issue in _parse(pasted)[1]] == [_line(pasted, "### 1. What")]


KNOCK_ON = """# 1. A

## 1.1 Example

```markdown
### Inner

```yaml
a: 1
```

more example text
```

## 1.2 Rules

The rules MUST hold.

```
code block
```

## 1.3 Next

It MUST be read.
"""


def test_fences_out_of_step_only_because_of_a_reported_example_are_that_finding() -> None:
    """June 02-system-architecture:17806: once the example's finding is
    fixed (a longer outer fence) the later fences pair; the block the
    tokenizer opens at a closing fence is that finding's knock-on, told
    there, not a second finding asking for a missing opening fence."""
    (issue,) = _fence_issues(KNOCK_ON)
    assert issue.loc.line == _line(KNOCK_ON, "```markdown")
    assert "open and close it with a longer fence (````markdown)" in issue.message
    assert "'## 1.3 Next'" in issue.message and "add the opening fence missing above it" not in issue.message
