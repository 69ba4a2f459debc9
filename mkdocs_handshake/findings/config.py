"""How one run of the rules judges: the date it judges by, severity
overrides, waivers, the baseline, and whether history is audited too.

It lives apart from the engine so that the options can be resolved into
it without importing every rule: the command line resolves its options,
starts parsing, and imports the rules while it waits for the parse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Collection, Mapping, Sequence

from ..model.governance import Waiver
from .baseline import Baseline


class ConfigError(ValueError):
    """Configuration that cannot be honoured (unknown rule id, bad severity)."""


@dataclass(frozen=True)
class EngineConfig:
    """What the engine is told by the options (:mod:`~mkdocs_handshake.options.settings`)."""

    #: The date the date-based rules judge by. Always given: a default of
    #: today would make a result depend on the day it is computed.
    as_of: dt.date = field(kw_only=True)
    severities: Mapping[str, str] = field(default_factory=dict)
    waivers: Sequence[Waiver] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    #: Judge closed, superseded and legacy packets by every rule too (an
    #: audit of history); by default rules whose fix is an edit of the
    #: packet judge active packets only, as the protocol's immutability of
    #: signed packets implies.
    history: bool = False
    baseline: Baseline | None = None

    def validate(self, known: Collection[str]) -> None:
        """Raise :class:`ConfigError` for a rule id that is not in ``known``
        (the registered rules) or a severity that is not one."""
        for rule_id, severity in self.severities.items():
            if rule_id not in known:
                raise ConfigError(f"rules: unknown rule id {rule_id!r} (known: {', '.join(sorted(known))})")
            if severity not in ("error", "warning", "off"):
                raise ConfigError(f"rules: {rule_id}: severity must be error, warning or off, not {severity!r}")
        for waiver in self.waivers:
            if waiver.rule not in known:
                raise ConfigError(f"waivers: unknown rule id {waiver.rule!r}")
