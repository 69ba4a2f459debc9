"""What a repository says about its own protocol: its packet template and
protocol text, read into the facts a profile is chosen and applied by.

The template is the most exact statement of the packet format in force: a
label it defines is a field, a section it has is expected. It is read with
the packet parser itself, so a label counts the same way in the template
as in a packet. A template that only says it has MOVED is followed once to
the path it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..parse.packet_labels import label_key
from ..parse.packets import parse_packet
from ..repository.source import SourceText

_FORMAT_VERSION = re.compile(r"PACKET_FORMAT_VERSION\W*:\W*(\d{4}-\d{2}-\d{2})")
_MOVED = re.compile(r"^\s*#*\s*MOVED\b", re.MULTILINE)
_MOVED_TARGET = re.compile(r"`([^`\s]+\.md)`")


@dataclass(frozen=True)
class TemplateFacts:
    labels: tuple[str, ...]  # label keys, sorted
    sections: tuple[str, ...]  # level 2+ headings as written, in order
    format_version: str


def moved_target(src: SourceText) -> str | None:
    """The path a "MOVED" shim points to, or None for a real template."""
    if not _MOVED.search(src.text) or len(src.lines) > 40:
        return None
    match = _MOVED_TARGET.search(src.text)
    return match.group(1) if match else None


def template_facts(src: SourceText) -> TemplateFacts:
    packet, issues = parse_packet(src)
    labels = {label_key(name) for name in packet.fields}
    labels.update(label_key(issue.label) for issue in issues if issue.label)
    sections = tuple(text for text, level, _ in packet.headings if level >= 2)
    match = _FORMAT_VERSION.search(src.text)
    return TemplateFacts(tuple(sorted(labels)), sections, match.group(1) if match else "")


def missing_phrases(phrases: tuple[str, ...], text: str) -> tuple[str, ...]:
    """The phrases that ``text`` (already case-folded) does not contain."""
    return tuple(phrase for phrase in phrases if phrase.casefold() not in text)
