"""The plugin's options: declared once without MkDocs (:mod:`.settings`),
as MkDocs validates them (:mod:`.config`), and as read from a site's
``mkdocs.yml`` without MkDocs (:mod:`.site_config`).

May import: ``rules`` (the options resolve into the engine's
configuration) and everything below it.
Must not import: ``render``, ``report``, ``pipeline``, ``plugin`` or
``cli``. Only :mod:`.config` may import MkDocs: the command line must keep
working where MkDocs is not installed.
"""
