"""Machine-readable outputs: ``model.json`` and ``findings.json``.

Both are written with sorted keys and no timestamps other than ``as_of``, so
two builds of the same repo produce byte-identical files and CI can diff them.
``findings.json`` is indented for people reading and diffing it;
``model.json`` (2.5 MB on the reference corpus) is written compact, because
Python's json module encodes indented output in pure Python, five times
slower than compact output (0.10 s against 0.02 s there). ``python -m
json.tool model.json`` indents it for reading.
A field named ``loc`` is flattened into its object (``file``, ``line``,
``column``) because every parsed value should read as "this, at file:line".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from functools import lru_cache
from typing import Any, Callable, Mapping, Sequence, TextIO

from ..findings.baseline import Stale
from ..rules.engine import RulePlan, clause_history, summarize
from ..findings.finding import Finding
from ..model.governance import GovernanceModel
from ..model.basics import Loc
from ..model.packet import Packet
from ..model.spec import SpecModule
from ..rules.context import profile_of

MODEL_VERSION = 1


@lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...]:
    """The fields written out: all but those kept only in memory (declared
    ``compare=False``, such as a spec module's text)."""
    return tuple(item.name for item in dataclasses.fields(kind) if item.compare)


def to_data(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Loc):
        return {"file": value.file, "line": value.line, "column": value.column}
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {}
        for name in _field_names(type(value)):
            content = getattr(value, name)
            if name == "loc" and isinstance(content, Loc):
                data.setdefault("file", content.file)
                data["line"] = content.line
                data["column"] = content.column
            else:
                data[name] = to_data(content)
        if isinstance(value, SpecModule):
            data["integrity"] = value.integrity()
        return data
    if isinstance(value, Mapping):
        return {str(key): to_data(content) for key, content in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(content) for content in value]
    return value


def model_document(model: GovernanceModel, root_label: str) -> dict[str, Any]:
    """The whole of ``model.json`` as one value (see :func:`write_model`)."""
    return {key: compute() for key, compute in _model_parts(model, root_label).items()}


def write_model(
    model: GovernanceModel, root_label: str, out: TextIO,
    packet_text: Callable[[Packet], str] | None = None, spec_text: Callable[[], str] | None = None,
) -> None:
    """Write ``model.json`` to ``out`` a packet at a time: the same bytes
    as ``dumps(model_document(...), compact=True)``, without holding the
    whole document and its text in memory (at 10,000 packets, gigabytes).
    ``packet_text`` may supply a packet's encoding (:func:`packet_json`)
    from a cache: in ``mkdocs serve`` one edited packet then costs one
    packet's encoding, not all of them; ``spec_text`` likewise supplies
    :func:`spec_json`."""
    encode = packet_text or (lambda packet: packet_json(model, packet))
    parts = _model_parts(model, root_label)
    out.write("{")
    for position, key in enumerate(sorted(parts)):
        out.write(("," if position else "") + _compact(key) + ":")
        if key == "spec" and spec_text is not None:
            out.write(spec_text())
        elif key == "packets":
            out.write("[")
            for index, packet in enumerate(model.packets):
                out.write(("," if index else "") + encode(packet))
            out.write("]")
        else:
            out.write(_compact(parts[key]()))
    out.write("}\n")


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_json(model: GovernanceModel) -> str:
    """The spec's entry of ``model.json``."""
    return _compact(to_data(model.spec) if model.spec else None)


def packet_json(model: GovernanceModel, packet: Packet) -> str:
    """One packet's entry of ``model.json`` (with its DONE_MEANS mappings)."""
    return _compact(_packet_data(model, packet))


def _packet_data(model: GovernanceModel, packet: Packet) -> dict[str, Any]:
    data = to_data(packet)
    data["done_mappings"] = to_data(model.done_mappings.get(packet.id, ()))
    return data


def _model_parts(model: GovernanceModel, root_label: str) -> dict[str, Callable[[], Any]]:
    """Each top-level entry of model.json, computed when it is written."""
    spec = model.spec
    return {
        "version": lambda: MODEL_VERSION,
        "root": lambda: root_label,
        "spec_current": lambda: to_data(model.spec_pointer),
        "spec": lambda: to_data(spec) if spec else None,
        "sibling_specs": lambda: [{"file": file, "version": version} for file, version in model.sibling_specs],
        "packets": lambda: [_packet_data(model, packet) for packet in model.packets],
        "board": lambda: to_data(model.board.entries) if model.board else [],
        "board_file": lambda: model.board.file if model.board else None,
        "signatures": lambda: to_data(model.audit.rows) if model.audit else [],
        "signature_uses": lambda: to_data(model.signature_uses),
        "gate_events": lambda: to_data(model.gate_events),
        "encoding_issues": lambda: to_data(model.encoding_issues),
        "parse_issues": lambda: to_data(model.parse_issues),
        "protocol": lambda: to_data(model.protocol),
        "registry": lambda: to_data(model.registry),
        "history": lambda: history_data(model),
    }


def history_data(model: GovernanceModel) -> dict[str, Any]:
    """The git dates rules were judged by: each packet's creation date (the
    first commit that added its file) and each dated clause's (the first
    commit whose protocol text wrote its evidence phrase); ``known`` False,
    with the reason, outside git, where every packet is judged by every
    clause in force."""
    history, why = clause_history(model, profile_of(model))
    if history is None:
        return {"known": False, "why": why, "packets": {}, "clauses": {}}
    return {
        "known": True,
        "why": why,
        "head": history.head,
        "packets": {packet.file: history.created[packet.file].isoformat() for packet in model.packets if packet.file in history.created},
        "clauses": {phrase: day.isoformat() for phrase, day in sorted(history.first_said.items())},
    }


def findings_document(
    model: GovernanceModel,
    findings: Sequence[Finding],
    as_of: dt.date,
    plan: Sequence[RulePlan] = (),
    *,
    baseline: str | None = None,
    stale: Sequence[Stale] = (),
) -> dict[str, Any]:
    """``findings.json`` (also what ``mkdocs-handshake check --format json``
    prints). ``baseline`` names the baseline file when one is in use; its
    entries that nothing matched any more are listed under it."""
    pointer = model.spec_pointer
    info = model.protocol
    document: dict[str, Any] = {
        "protocol": {
            "profile": info.profile,
            "reason": info.reason,
            "template": info.template_file,
            "packet_format_version": info.packet_format_version,
        } if info else None,
        "rules_not_applied": [{"rule": entry.rule, "reason": entry.reason} for entry in plan if not entry.applied],
        "lifecycle": {packet.id: packet.lifecycle.value for packet in model.packets},
        "version": 1,
        "as_of": as_of.isoformat(),
        "spec": {
            "file": model.spec.file if model.spec else (pointer.spec_names[0][0] if pointer and pointer.spec_names else None),
            "version": model.spec.version if model.spec else (pointer.version if pointer else ""),
        },
        "summary": summarize(findings),
        "findings": [finding.to_json() for finding in findings],
    }
    if baseline is not None:
        document["baseline"] = {"file": baseline, "stale": [entry.to_json() for entry in stale]}
    return document


def dumps(document: Mapping[str, Any], *, compact: bool = False) -> str:
    if compact:
        return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"
