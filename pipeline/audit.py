"""Audit helpers around scoring: the quality gate (pinned minimum F1 per field) and draft gold files.

The gate follows the usual habit of evaluation baselines: minimums can only go up unless lowering one
is asked for explicitly.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.scoring import AuditReport, GoldDocument
from pipeline.write import atomic_write_text

logger = logging.getLogger(__name__)
BASELINE_DESCRIPTION = "Pinned minimum F1 per field on tests/gold (the seed documents). Raise only."


class BaselineError(ValueError):
    """A baseline file that is missing or malformed."""


@dataclass(frozen=True, slots=True)
class GateFailure:
    field: str
    score: float
    minimum: float


def current_scores(report: AuditReport) -> dict[str, float]:
    """F1 per field, and language accuracy under "language"."""
    scores = {name: field.f1 for name, field in report.overall.fields.items() if name != "language"}
    scores["language"] = report.overall.language_accuracy
    return scores


def load_baseline(path: Path) -> dict[str, float]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        minimums = data["min_f1"]
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline file not found: {path}") from exc
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise BaselineError(f"{path}: not a baseline file (needs a \"min_f1\" object): {exc}") from exc
    if not isinstance(minimums, dict) or not all(isinstance(v, (int, float)) for v in minimums.values()):
        raise BaselineError(f"{path}: \"min_f1\" must map field names to numbers")
    return {str(name): float(value) for name, value in minimums.items()}


def check_gate(report: AuditReport, minimums: Mapping[str, float]) -> list[GateFailure]:
    """Fields whose score is below their pinned minimum (a field missing from the report scores 0)."""
    scores = current_scores(report)
    return [
        GateFailure(name, scores.get(name, 0.0), minimum)
        for name, minimum in sorted(minimums.items())
        if scores.get(name, 0.0) < minimum
    ]


def _pinned(score: float) -> float:
    # two decimals, rounded down, so a re-run with the same score always passes
    return math.floor(score * 100 + 1e-9) / 100


@dataclass(frozen=True, slots=True)
class BaselineUpdate:
    raised: dict[str, tuple[float, float]]
    lowered: dict[str, tuple[float, float]]
    written: bool


def update_baseline(report: AuditReport, path: Path, allow_regression: bool = False) -> BaselineUpdate:
    """Pin the current scores. Refuses (writes nothing) when a minimum would go down, unless allowed."""
    old = load_baseline(path) if path.exists() else {}
    new = {name: _pinned(score) for name, score in current_scores(report).items()}
    raised = {name: (old.get(name, 0.0), value) for name, value in new.items() if value > old.get(name, 0.0)}
    lowered = {name: (old[name], value) for name, value in new.items() if name in old and value < old[name]}
    if lowered and not allow_regression:
        return BaselineUpdate(raised, lowered, written=False)
    merged = {**old, **{name: value for name, value in new.items() if name in raised or name in lowered}}
    content = {"description": BASELINE_DESCRIPTION, "min_f1": dict(sorted(merged.items()))}
    atomic_write_text(path, json.dumps(content, indent=2, sort_keys=True) + "\n")
    return BaselineUpdate(raised, lowered, written=True)


def render_gate(failures: list[GateFailure]) -> str:
    if not failures:
        return "quality gate: every field meets its pinned minimum"
    lines = ["quality gate FAILED: fields below their pinned minimum"]
    lines += [f"  {f.field:<20} {f.score:.3f} < {f.minimum:.2f}" for f in failures]
    return "\n".join(lines)


# --- draft gold ---------------------------------------------------------------------------------------


def draft_gold(record: Mapping[str, Any]) -> dict[str, Any]:
    """A gold file pre-filled from a record, in the gold format, for a person to correct."""

    def aliases(item: Mapping[str, Any]) -> list[str]:
        return list(dict.fromkeys([item["name"], *item.get("aliases", [])]))

    promoter = record.get("promoter")
    draft = {
        "doc_id": record["doc_id"],
        "source_url": None,
        "language": record["language"],
        "promoter": [aliases(promoter)] if promoter else [],
        "partners": [[p["name"]] for p in record.get("partners", [])],
        "organisations": [aliases(o) for o in record.get("organisations", [])],
        "funding_programmes": list(record.get("funding_programmes", [])),
        "project_code": record.get("project_code"),
        "amounts": [{"value": a["value"], "currency": a["currency"]} for a in record.get("amounts", [])],
        "dates": [d["value"] for d in record.get("dates", [])],
        "countries": list(record.get("countries", [])),
        "emails": list(record.get("emails", [])),
    }
    GoldDocument.model_validate(draft)  # the draft must be a valid gold file
    return draft


def _safe_file_stem(name: str) -> bool:
    """A document id that names a file inside the gold folder and nowhere else."""
    return bool(name) and not name.startswith(".") and "/" not in name and "\\" not in name and "\x00" not in name


def write_draft_gold(records: Iterable[Mapping[str, Any]], gold_dir: Path) -> list[Path]:
    """Draft gold files for records that have none yet in ``gold_dir``; existing files are never touched."""
    gold_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for record in sorted(records, key=lambda r: r["doc_id"]):
        doc_id = str(record["doc_id"])
        if not _safe_file_stem(doc_id):
            logger.warning("no draft gold for document id %r: not usable as a file name", doc_id)
            continue
        path = gold_dir / f"{doc_id}.json"
        if path.exists():
            continue
        atomic_write_text(path, json.dumps(draft_gold(record), ensure_ascii=False, indent=1) + "\n")
        written.append(path)
    return written
