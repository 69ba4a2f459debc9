"""Renderers: validated model + findings in, markdown pages out.

Each page module exposes one ``render_*(ctx: RenderContext) -> str`` that
returns the markdown (with inline HTML where tables or SVG need it) of one
page. :mod:`.site` collects them into ``{path under output_dir: text}``; the
plugin only hands those to MkDocs. Every string that came from a governance
file goes through :func:`.escape.md_text` / :func:`html.escape` before it is
written, so a packet titled ``<script>`` renders as text.

May import: ``rules`` and everything below it.
Must not import: ``report``, ``options`` or the front ends.
"""
