"""A governance page converted to HTML: its body, title and table of
contents. It sits with the model because the disk cache keeps converted
pages beside the parsed files and may only build classes of the model's
layer (see :mod:`mkdocs_handshake.cache.codec`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TocEntry:
    """One heading in the table of contents; ``title`` is HTML (escaped text)."""

    level: int
    id: str
    title: str
    children: tuple["TocEntry", ...] = ()

    def as_token(self) -> dict[str, Any]:
        """The dict shape ``mkdocs.structure.toc.get_toc`` reads."""
        return {"level": self.level, "id": self.id, "name": self.title, "children": [child.as_token() for child in self.children]}


@dataclass(frozen=True)
class RenderedPage:
    html: str
    #: Text of the first level-1 heading, HTML-escaped (as MkDocs' own page
    #: titles are), or None when the page has no such heading.
    title: str | None
    toc: tuple[TocEntry, ...]
