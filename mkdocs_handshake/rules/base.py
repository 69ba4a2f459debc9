"""What a rule is: an id, a default severity, a title and a check.

A rule is a plain function decorated with :func:`rule`. Its docstring cites
the protocol part it enforces (it is shown on the findings page). The check
is called as ``check(rule, ctx)`` with the :class:`Rule` itself and a
:class:`~mkdocs_handshake.rules.context.RuleContext`, and yields findings
built with :meth:`Rule.finding`, which stamps the rule id and the default
severity; configuration may change the severity later.

A rule that judges each packet on its own is decorated with
:func:`packet_rule` instead and called as ``check(rule, scope, packet)``.
The :class:`~mkdocs_handshake.rules.context.PacketScope` gives it the
profile and the protocol text, and nothing of the other packets, so its
findings on a packet can only change when that packet (or the scope)
does: with the context's ``packet_memo`` (a ``mkdocs serve`` rebuild,
:func:`.engine.run_rules` with a memo) one edit judges one packet again.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

from ..findings.finding import Finding, Severity
from ..model.basics import Loc

if TYPE_CHECKING:  # pragma: no cover - import only for type checkers
    from ..model.packet import Packet
    from .context import PacketScope, RuleContext

Check = Callable[["Rule", "RuleContext"], Iterable[Finding]]
PacketCheck = Callable[["Rule", "PacketScope", "Packet"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    check: Check
    #: The check of one packet, for a rule made with :func:`packet_rule`
    #: (``check`` then runs it on every packet of the model).
    per_packet: PacketCheck | None = None

    @property
    def family(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def function(self) -> Callable[..., Iterable[Finding]]:
        """The decorated function: where the rule's code and docstring are."""
        return self.per_packet or self.check

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.function) or ""

    def finding(
        self,
        message: str,
        loc: Loc,
        excerpt: str = "",
        subject: str = "",
        severity: Severity | None = None,
        details: tuple[str, ...] = (),
    ) -> Finding:
        return Finding(self.id, severity or self.severity, message, loc, excerpt, subject, details=details)


REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, title: str) -> Callable[[Check], Rule]:
    """Register a check under a stable id. Ids are public: never rename one."""

    def register(check: Check) -> Rule:
        return _register(Rule(rule_id, Severity(severity), title, check))

    return register


def packet_rule(rule_id: str, severity: str, title: str) -> Callable[[PacketCheck], Rule]:
    """Register a check of one packet at a time (see the module docstring)."""

    def register(per_packet: PacketCheck) -> Rule:
        def check(rule_: Rule, ctx: RuleContext) -> Iterator[Finding]:
            scope = ctx.packet_scope
            memo = ctx.packet_memo
            for packet in ctx.model.packets:
                if memo is None:
                    yield from per_packet(rule_, scope, packet)
                else:
                    yield from memo(f"findings {rule_.id}", packet, scope.key, lambda packet=packet: tuple(per_packet(rule_, scope, packet)))

        return _register(Rule(rule_id, Severity(severity), title, check, per_packet))

    return register


def _register(registered: Rule) -> Rule:
    if registered.id in REGISTRY:
        raise ValueError(f"rule {registered.id} registered twice")
    if not registered.doc:
        raise ValueError(f"rule {registered.id} needs a docstring citing the protocol")
    REGISTRY[registered.id] = registered
    return registered
