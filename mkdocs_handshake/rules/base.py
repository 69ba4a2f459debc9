"""What a rule is: an id, a default severity, a title and a check.

A rule is a plain function decorated with :func:`rule`. Its docstring cites
the protocol part it enforces (it is shown on the findings page). The check
is called as ``check(rule, ctx)`` with the :class:`Rule` itself and a
:class:`~mkdocs_handshake.rules.context.RuleContext`, and yields findings
built with :meth:`Rule.finding`, which stamps the rule id and the default
severity; configuration may change the severity later.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from ..findings import Finding, Severity
from ..model import Loc

if TYPE_CHECKING:  # pragma: no cover - import only for type checkers
    from .context import RuleContext

Check = Callable[["Rule", "RuleContext"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    check: Check

    @property
    def family(self) -> str:
        return self.id.split("-", 1)[0]

    @property
    def doc(self) -> str:
        return inspect.getdoc(self.check) or ""

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
        if rule_id in REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        if not inspect.getdoc(check):
            raise ValueError(f"rule {rule_id} needs a docstring citing the protocol")
        registered = Rule(rule_id, Severity(severity), title, check)
        REGISTRY[rule_id] = registered
        return registered

    return register
