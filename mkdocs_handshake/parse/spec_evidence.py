"""Which code blocks of a spec section illustrate which of its requirements.

A code block under a requirement is evidence of what the requirement
names (a struct, an event, a command); the rules match those names against
the code base. Deciding the owner of each block is a judgement about prose
("the following", "above"), separate from reading the section structure in
:mod:`.spec`, which only collects the blocks and the requirements.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from ..model.spec import Requirement

_POINTS_BACK = re.compile(r"\b(?:above|preceding)\b", re.IGNORECASE)
_ANNOUNCES = re.compile(r"\b(?:the following|as follows|below)\b|:\s*$", re.IGNORECASE)


def with_code_evidence(
    requirements: Sequence[Requirement], code: Sequence[tuple[int, tuple[str, ...]]],
) -> tuple[Requirement, ...]:
    """A section's requirements numbered 1.., each with the names of the
    code blocks that illustrate it (``code``: the line and names of each
    block in the section, in order): a block belongs to the requirement that
    announces it ("the following", a closing colon) or else to the last
    requirement above it; a block that opens the section belongs to the
    first requirement only when that one points back at it ("above")."""
    if not requirements:
        return ()
    extra: list[list[str]] = [[] for _ in requirements]
    lines = [requirement.loc.line for requirement in requirements]
    previous_block = 0
    for line, names in code:
        position = max((i for i, at in enumerate(lines) if at < line), default=-1)
        if position < 0:
            # Code before the first requirement is context for the section;
            # it is evidence only for a requirement that points back at it
            # ("MUST reject events that do not match the schema above").
            if _POINTS_BACK.search(requirements[0].text):
                extra[0].extend(names)
            previous_block = line
            continue
        # A requirement that announces what follows ("MUST use the following
        # structures:") owns the next block even when others come between.
        for earlier in range(position, -1, -1):
            if lines[earlier] <= previous_block:
                break
            if _ANNOUNCES.search(requirements[earlier].text):
                position = earlier
                break
        extra[position].extend(names)
        previous_block = line
    return tuple(
        replace(
            requirement,
            index=position,
            evidence=tuple(dict.fromkeys((*requirement.evidence, *extra[position - 1]))) if extra[position - 1] else requirement.evidence,
        )
        for position, requirement in enumerate(requirements, start=1)
    )
