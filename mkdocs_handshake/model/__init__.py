"""The typed governance model: what the parsers produce and the rules read.

Every value that came out of a governance file carries a
:class:`~.basics.Loc`, so a finding can always point a person at
``file:line`` and the exact text. The model is a tree of frozen
dataclasses: once parsed, nothing downstream (rules, renderers) can change
what the files said, which keeps the pipeline one-way (load -> parse ->
model -> rules -> findings -> render). :mod:`.governance` holds the whole
repository as one value; :mod:`.spec`, :mod:`.packet` and :mod:`.records`
the parts; :mod:`.basics` the places, states and issues they share;
:mod:`.page` a converted page (cached like the model); :mod:`.ids` and
:mod:`.verdicts` the id and verdict words the protocol writes.

May import: only its own modules (and the standard library).
Must not import: any other folder; every stage depends on the model.
"""
