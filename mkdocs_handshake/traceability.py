"""DONE_MEANS -> requirement traceability (protocol Part 3.5 Field 8, Part 5.4).

Part 5.4: "Every DONE_MEANS MUST map 1:1 to SPEC_ANCHOR requirement", shown
with items such as ``MUST: Database trait defined (§2.3.12.3, requirement 1)``,
plus verification items ("All tests pass", "Validator sign-off (PASS
verdict)") that the protocol lists beside them. This module decides, for each
DONE_MEANS item of one packet, which requirement of the packet's *own*
anchored sections it maps to, and why. It is linear: a packet's items are
compared only with the requirements of the sections its SPEC_ANCHOR names.

An item maps, in this order of precedence:

1. **citation** — it names an anchored section (``§2.3.12.3``, ``Section
   2.3.12.3``), a requirement id of an anchored section (``[HSK-WF-002]`` or
   bare ``HSK-WF-002``), or "requirement N" (of the cited section, or of the
   only anchored section). A section cited without a requirement number is
   narrowed to its best-matching requirement when the wording overlaps at
   all (score >= :data:`CITED_SECTION_THRESHOLD`), else it maps to the
   section as a whole (``requirement_index`` 0, which covers no single
   requirement unless the section has exactly one).
2. **verification** — it states that a check passed: tests pass, validator
   PASS / sign-off, ``just post-work``/``pre-work``/``ai-review`` PASS,
   validation clean, TEST_PLAN executed, forbidden-pattern audit clean,
   evidence mapping complete, build succeeds.
3. **quote** — it quotes or closely paraphrases one requirement sentence
   (score >= :data:`QUOTE_THRESHOLD` with at least two shared content words).
4. otherwise **unmapped**.

Similarity measure (why this one)
---------------------------------
DONE_MEANS items are short restatements of long spec sentences ("Transitions
are logged to Flight Recorder with event type FR-EVT-WF-RECOVERY" against a
30-word requirement), so symmetric measures (Jaccard, cosine) punish the very
paraphrases we want. What makes an item a paraphrase is that *its* content is
drawn from the requirement, so the score is the **weighted containment of
the item's content words in the requirement**: ``sum(w(t) for t in I & R) /
sum(w(t) for t in I)``. Both sides are NFC-normalised and case-folded;
English stop-words, RFC 2119 keywords and negations, and "completion verbs"
(defined, implemented, created, added, ensure ...; present on both sides of
a paraphrase in different tenses and carrying no subject matter) are
dropped; the rest is lightly stemmed (plural, -ed, -ing, -ation, -ize, final
-e) so "logged"/"logs", "initialization"/"initialize" meet. Identifier-like
tokens (containing a digit, ``_``, ``.``, ``::``, an internal capital such as
``SqlitePool``, or ``-``-joined upper-case names such as
``FR-EVT-WF-RECOVERY``) weigh 2: they name the exact thing a requirement is
about, so sharing them is stronger evidence than sharing prose words.

The threshold 0.6 comes from the near-miss tests in
``tests/rules/test_traceability.py``: paraphrases score 0.71-1.0 there, and
on the reference corpus "main.rs calls mark_stalled_workflows during
initialization" against the startup-recovery requirement scores exactly 0.6
(its implementation name is absent from the spec); topically similar
sentences about the same subsystem but another obligation ("Scheduler
exposes job queue depth as a metric" against the lease re-queue rule) score
0.25-0.5. Requiring two shared content words keeps one-word items
("Logging") from mapping by accident. Known limit: an item built from a
requirement's own vocabulary but asserting something else can still reach
the threshold, and true paraphrases in other words ("contains zero
backend-specific identifiers" for "MUST NOT expose ... backend-specific
types", 0.38) fall short; an explicit citation is the protocol's remedy and
always wins over textual matching.

Boilerplate such as "Spec requirements from referenced anchors are fully
implemented or gaps recorded with FAIL" (38 packets of the reference corpus)
names no requirement and so maps to nothing: Part 5.4 wants each item mapped
1:1, and a blanket restatement of the anchor makes DONE_MEANS vacuous (the
Validator cannot check it "against code (file:line mapping)", Field 8). It is
reported by DONE-001 and covers nothing for DONE-002. The other boilerplate
items of those packets (TEST_PLAN executed, forbidden-pattern audit clean,
evidence mapping) are verification items.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from .parse.anchors import find_section_refs
from .resolve import pick_section, resolve_anchor
from .model import DoneMapping, ListItem, Packet, Requirement, Section


QUOTE_THRESHOLD = 0.6
CITED_SECTION_THRESHOLD = 0.34
MIN_SHARED_WORDS = 2

_REQUIREMENT_NUMBER = re.compile(
    r"\b(?:requirements?|reqs?\.?)\s*#?\s*(?P<numbers>\d+(?:\s*(?:,|and|&|/|-|–)\s*\d+)*)",
    re.IGNORECASE,
)
_BRACKET_ID = re.compile(r"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]")

# Verification items (Part 3.5 Field 8: "Includes validation success: 'All
# tests pass', 'AI review passes'"; Part 5.4: "Validator sign-off (PASS
# verdict)"). Matched on NFC + casefolded text.
_PASS_WORDS = r"(?:pass(?:es|ed|ing)?|green|succeed(?:s|ed)?|success(?:ful(?:ly)?)?|clean|ok|approv(?:es|ed|al)|sign[- ]?off)"
_VERIFICATION = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\btests?\b.*\b{_PASS_WORDS}",
        rf"\bvalidat(?:or|ion)\b.*\b(?:{_PASS_WORDS}|verdict)",
        r"\bpost-?work\b",
        r"\bpre-?work\b",
        r"\bai-?review\b",
        r"\bjust\s+(?:validate|validator-[\w-]+|cargo-clean)\b",
        r"\bcargo\s+(?:test|clippy|fmt|deny|build)\b.*\b(?:pass|clean|succeed|warnings?|errors?|0)\b",
        r"\b(?:npm|pnpm)\b.*\b(?:audit|lint|test|build)\b.*\b(?:pass|clean|succeed|errors?|0)\b",
        r"\bforbidden[- ]patterns?\b",
        r"\bevidence[- ]mapping\b",
        r"\btest_plan\b.*\b(?:executed|run|ran|pass)",
        r"\bbuild\b.*\b(?:succeeds?|passes|exit code (?:of )?0|no (?:typescript )?errors)\b",
    )
)

_TOKEN = re.compile(r"\w+(?:(?:[.\-/]|::)\w+)*")
_STOP_WORDS = frozenset(
    """
    a an the and or nor but if then else of to in on at by for from with without within into onto
    over under as is are was were be been being am do does did done doing has have had having
    this that these those it its it's they them their there here which who whom whose what when
    where why how all any each every both either neither some such no not never none only own same
    requirement requirements spec section item
    so than too very can will just also e.g i.e eg ie etc via per vs using use used uses
    during before after while until between through upon across against among around about
    instead only longer zero one any anything something everything other another
    must shall should may required recommended optional mandatory normative
    s t
    """.split()
)
# Verbs that say "this got done" rather than what: "defined", "implemented",
# "created" appear in items and spec sentences alike, in different tenses.
_COMPLETION_VERBS = frozenset(
    """
    add added adds adding create created creates creating define defined defines defining
    implement implemented implements implementing implementation ensure ensured ensures
    exist exists existing make made makes provide provided provides update updated updates
    call calls called verify verified verifies support supported supports equivalent
    complete completed correct correctly properly new
    """.split()
)
_SUFFIXES = ("izations", "ization", "ations", "ation", "ments", "ment", "ings", "ing", "ized", "izes", "ize", "ies", "ied", "ed", "es", "s", "ly", "ence", "ance")


@dataclass(frozen=True)
class RequirementCoverage:
    """One requirement of an anchored section and the items that cover it."""

    section: Section
    requirement: Requirement
    items: tuple[ListItem, ...]

    @property
    def covered(self) -> bool:
        return bool(self.items)


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------


def fold(text: str) -> str:
    """NFC + casefold: the comparison form required by Part 1 PRIORITY_7."""
    return unicodedata.normalize("NFC", text).casefold()


def _stem(word: str) -> str:
    """A deliberately light stemmer: enough for tense and number, never so
    aggressive that unrelated words collide (no Porter step 2-5)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix == "ies" or suffix == "ied":
                stem += "y"
            elif suffix in ("ed", "ing", "ings") and len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
                stem = stem[:-1]
            elif suffix in ("ed", "ing", "ings") and len(stem) >= 4 and stem[-1] == stem[-2] == "g":
                stem = stem[:-1]
            word = stem
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _is_identifier(raw: str) -> bool:
    """Code-like names (main.rs, JobKind, FR-EVT-WF-RECOVERY, last_heartbeat)."""
    if any(ch.isdigit() for ch in raw) or "_" in raw or "." in raw or "::" in raw or "/" in raw:
        return True
    if any(ch.isupper() for ch in raw[1:]) and any(ch.islower() for ch in raw):
        return True
    return "-" in raw and raw.upper() == raw and any(ch.isalpha() for ch in raw)


def content_terms(text: str) -> dict[str, float]:
    """Content words of ``text`` -> weight (identifier-like 2, prose 1)."""
    terms: dict[str, float] = {}
    for match in _TOKEN.finditer(unicodedata.normalize("NFC", text)):
        raw = match.group(0)
        folded = raw.casefold()
        if folded in _STOP_WORDS or folded in _COMPLETION_VERBS or folded.isdigit() and len(folded) < 2:
            continue
        if _is_identifier(raw):
            key = folded.replace("-", "")
            terms[key] = 2.0
            continue
        for part in folded.split("-"):  # "backend-specific" == "backend specific"
            if part in _STOP_WORDS or part in _COMPLETION_VERBS or len(part) < 2:
                continue
            key = _stem(part)
            terms.setdefault(key, 1.0)
    return terms


def similarity(item_text: str, requirement_text: str) -> tuple[float, int]:
    """(weighted containment of the item in the requirement, shared words)."""
    item = content_terms(item_text)
    if not item:
        return 0.0, 0
    requirement = content_terms(requirement_text)
    shared = [term for term in item if term in requirement]
    total = sum(item.values())
    return sum(item[term] for term in shared) / total, len(shared)


def is_verification(text: str) -> bool:
    """True for items that state a check passed rather than a spec obligation."""
    folded = fold(text)
    return any(pattern.search(folded) for pattern in _VERIFICATION)


# --------------------------------------------------------------------------
# Packet side
# --------------------------------------------------------------------------


def done_items(packet: Packet) -> tuple[ListItem, ...]:
    """The DONE_MEANS items of the current (last written) DONE_MEANS field.

    A field written inline (``DONE_MEANS: the build exits 0``) is one item
    at the field's own location. Nested sub-items belong to their parent:
    they are folded into its text by :func:`item_text`."""
    occurrence = packet.field("DONE_MEANS")
    if occurrence is None:
        return ()
    if occurrence.items:
        return occurrence.items
    if occurrence.value.strip():
        return (ListItem(occurrence.value.strip(), occurrence.loc),)
    return ()


def item_text(item: ListItem) -> str:
    """An item's text with its sub-items, which elaborate the same point."""
    parts = [item.text]
    stack = list(item.children)
    while stack:
        child = stack.pop(0)
        parts.append(child.text)
        stack[:0] = list(child.children)
    return " ".join(part for part in parts if part)


def section_refs(text: str) -> list[tuple[str, int]]:
    """``(number, offset)`` of every §-reference in ``text``."""
    return [(number.rstrip("."), offset) for number, offset in find_section_refs(text)]


def section_ref_text(text: str, offset: int, number: str) -> str:
    """The reference as written at ``offset`` ("§2.3.12.1", "§ 4.6", "Section 2.6.1")."""
    end = text.find(number, offset)
    return text[offset:end + len(number)] if end >= 0 else number


def anchored_sections(packet: Packet, sections_by_number: Mapping[str, tuple[Section, ...]]) -> dict[str, Section]:
    """Anchored section number -> Section, for anchors that resolve, in
    anchor order. Unresolved anchors are ANCHOR-002's business."""
    found: dict[str, Section] = {}
    for anchor in packet.spec_anchors:
        if not anchor.number or anchor.number in found:
            continue
        section = resolve_anchor(anchor, sections_by_number)
        if section is not None:
            found[anchor.number] = section
    return found


def _requirement_numbers(text: str) -> list[tuple[int, int]]:
    """``(requirement number, offset)`` for "requirement 2", "requirements 1 and 3", "req 1-2"."""
    numbers: list[tuple[int, int]] = []
    for match in _REQUIREMENT_NUMBER.finditer(text):
        spec = match.group("numbers")
        range_match = re.fullmatch(r"\s*(\d+)\s*[-–]\s*(\d+)\s*", spec)
        if range_match and int(range_match.group(1)) <= int(range_match.group(2)) <= int(range_match.group(1)) + 50:
            values = list(range(int(range_match.group(1)), int(range_match.group(2)) + 1))
        else:
            values = [int(value) for value in re.findall(r"\d+", spec)]
        numbers.extend((value, match.start()) for value in values)
    return numbers


def _best_requirement(text: str, section: Section, threshold: float, min_shared: int) -> tuple[Requirement | None, float]:
    best: Requirement | None = None
    best_score = 0.0
    for requirement in section.requirements:
        score, shared = similarity(text, requirement.text)
        if shared >= min_shared and score >= threshold and score > best_score:
            best, best_score = requirement, score
    return best, best_score


def _mapping(item: ListItem, kind: str, section: str = "", requirement: Requirement | None = None, score: float = 0.0, index: int = 0) -> DoneMapping:
    return DoneMapping(
        item=item,
        kind=kind,
        section=section,
        requirement_index=requirement.index if requirement else index,
        requirement_text=requirement.text if requirement else "",
        score=round(score, 3),
    )


def within_anchors(number: str, anchored: Mapping[str, object]) -> str | None:
    """The anchored section that ``number`` is, or lies under (a citation of
    §2.6.6.7.11.6 is inside an anchor of §2.6.6.7.11); None when outside."""
    if number in anchored:
        return number
    for anchor in anchored:
        if number.startswith(anchor + "."):
            return anchor
    return None


def _cited_sections(
    text: str, anchored: Mapping[str, Section], sections_by_number: Mapping[str, tuple[Section, ...]]
) -> list[tuple[str, int, Section | None]]:
    """``(number, offset, section)`` of every citation inside the anchors;
    ``section`` is None for a sub-number the spec does not have."""
    cited: list[tuple[str, int, Section | None]] = []
    for number, offset in section_refs(text):
        if within_anchors(number, anchored) is None:
            continue
        section = anchored.get(number) or pick_section(sections_by_number.get(number, ()))
        cited.append((number, offset, section))
    return cited


def _citations(
    item: ListItem, text: str, anchored: Mapping[str, Section], sections_by_number: Mapping[str, tuple[Section, ...]]
) -> list[DoneMapping]:
    """Mappings by explicit citation; empty when the item cites nothing
    inside its anchors. Unresolvable citations come back as ``unmapped``."""
    cited = _cited_sections(text, anchored, sections_by_number)
    mappings: list[DoneMapping] = []
    numbered: set[str] = set()
    for value, offset in _requirement_numbers(text):
        preceding = [entry for entry in cited if entry[1] <= offset]
        if preceding:
            number, _, section = preceding[-1]
        elif cited:
            number, _, section = cited[0]
        elif not section_refs(text) and len(anchored) == 1:
            number, section = next(iter(anchored.items()))
        else:
            continue
        numbered.add(number)
        requirement = next((r for r in section.requirements if r.index == value), None) if section else None
        if requirement is None:
            mappings.append(_mapping(item, "unmapped", number, index=value))
        else:
            mappings.append(_mapping(item, "citation", number, requirement, 1.0))
    for number, section in anchored.items():
        for requirement in section.requirements:
            if any(re.search(rf"(?<![\w-]){re.escape(rid)}(?![\w-])", text) for rid in requirement.ids):
                numbered.add(number)
                mappings.append(_mapping(item, "citation", number, requirement, 1.0))
    for number, _, section in cited:
        if number in numbered:
            continue
        numbered.add(number)
        if section is None:
            mappings.append(_mapping(item, "unmapped", number))
            continue
        requirement, score = _best_requirement(text, section, CITED_SECTION_THRESHOLD, 1)
        if requirement is None and len(section.requirements) == 1:
            requirement = section.requirements[0]
        mappings.append(_mapping(item, "citation", number, requirement, score))
    return mappings


def map_item(
    item: ListItem, anchored: Mapping[str, Section], sections_by_number: Mapping[str, tuple[Section, ...]] | None = None
) -> tuple[DoneMapping, ...]:
    """Every mapping of one DONE_MEANS item (several when it cites several
    requirements); exactly one ``unmapped`` mapping when nothing fits."""
    text = item_text(item)
    cited = _citations(item, text, anchored, sections_by_number or {})
    if any(mapping.kind == "citation" for mapping in cited):
        return tuple(mapping for mapping in cited if mapping.kind == "citation")
    if cited:  # only out-of-range "requirement N" citations
        return (cited[0],)
    if is_verification(text):
        return (_mapping(item, "verification"),)
    best: tuple[str, Requirement, float] | None = None
    for number, section in anchored.items():
        requirement, score = _best_requirement(text, section, QUOTE_THRESHOLD, MIN_SHARED_WORDS)
        if requirement is not None and (best is None or score > best[2]):
            best = (number, requirement, score)
    if best is not None:
        return (_mapping(item, "quote", best[0], best[1], best[2]),)
    refs = section_refs(text)
    return (_mapping(item, "unmapped", refs[0][0] if refs else ""),)


def map_done_means(packet: Packet, sections_by_number: Mapping[str, tuple[Section, ...]]) -> tuple[DoneMapping, ...]:
    """How each DONE_MEANS item of ``packet`` maps to its anchored sections."""
    anchored = anchored_sections(packet, sections_by_number)
    mappings: list[DoneMapping] = []
    for item in done_items(packet):
        mappings.extend(map_item(item, anchored, sections_by_number))
    return tuple(mappings)


def coverage(
    packet: Packet,
    sections_by_number: Mapping[str, tuple[Section, ...]],
    mappings: Iterable[DoneMapping] | None = None,
) -> dict[str, tuple[RequirementCoverage, ...]]:
    """Per anchored (resolving) section: every requirement and the items
    covering it. An item covers a requirement when it maps to it by
    citation or quote; a section-level citation (no requirement number)
    covers nothing specific. ``mappings`` defaults to a fresh
    :func:`map_done_means`."""
    anchored = anchored_sections(packet, sections_by_number)
    if mappings is None:
        mappings = map_done_means(packet, sections_by_number)
    covering: dict[tuple[str, int], list[ListItem]] = {}
    for mapping in mappings:
        if mapping.kind in ("citation", "quote") and mapping.requirement_index:
            bucket = covering.setdefault((mapping.section, mapping.requirement_index), [])
            if mapping.item not in bucket:
                bucket.append(mapping.item)
    return {
        number: tuple(
            RequirementCoverage(section, requirement, tuple(covering.get((number, requirement.index), ())))
            for requirement in section.requirements
        )
        for number, section in anchored.items()
    }
