"""What the plugin puts into the user's own docs pages rather than into a
generated one: the slot for a packet page's governance header and the
header placed in it, and the note that stands in for a page too large to
read."""

from __future__ import annotations

from pathlib import Path

from .escape import md_text

#: Where on_page_content leaves room for a packet page's governance header.
#: An element, not a comment, so that nothing that strips comments loses it.
ANNOTATION_SLOT = '<div class="hs-annotation-slot"></div>'


def annotated(html: str, header: str) -> str:
    """The packet page's HTML with the governance header after its title
    (the first ``<h1>``), or on top when it has none."""
    end = html.find("</h1>")
    if end < 0:
        return header + html
    end += len("</h1>")
    return html[:end] + "\n" + header + html[end:]


def too_large_page(src_uri: str, size: int, limit_mb: float) -> str:
    """The markdown shown instead of a docs page larger than ``max_file_mb``."""
    return (
        f"# {md_text(Path(src_uri).stem)}\n\n"
        f"{md_text(Path(src_uri).name)} is {size / 1048576:.1f} MB, larger than the plugin's limit of {limit_mb:g} MB (option `max_file_mb`), "
        "so its text is not shown here and its governance fields are not read.\n"
    )
