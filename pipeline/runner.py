"""Run the pipeline over a folder: the only place that reads inputs and writes outputs."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from pipeline.ingest import IngestError, discover, read_document
from pipeline.models import ErrorEntry, Record
from pipeline.process import process_document
from pipeline.report import render_report
from pipeline.tables import COVERAGE_FIELDS
from pipeline.write import atomic_write_text, write_outputs

REPORT_HTML = "report.html"

logger = logging.getLogger(__name__)



@dataclass(slots=True)
class RunSummary:
    """What a run did: counts, and how often each field was found."""

    documents: int = 0
    records: int = 0
    errors: int = 0
    coverage: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def render(self) -> str:
        lines = [f"documents: {self.documents}   records: {self.records}   errors: {self.errors}"]
        if self.languages:
            lines.append("languages: " + ", ".join(f"{code} {n}" for code, n in sorted(self.languages.items())))
        lines.append("fields found (documents):")
        for name in COVERAGE_FIELDS:
            lines.append(f"  {name:<20} {self.coverage[name]:>6}")
        return "\n".join(lines)


def _found(record: Record, name: str) -> bool:
    value = getattr(record, name)
    return bool(value) if not isinstance(value, (int, float)) else True


def process_path(path: Path, input_dir: Path) -> Record | ErrorEntry:
    """One file to a record, or to the error entry that says why it could not be one."""
    try:
        document = read_document(path, input_dir)
    except IngestError as exc:
        return ErrorEntry(doc_id=exc.doc_id, source=exc.source, stage="ingest", message=exc.message)
    try:
        record = process_document(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return ErrorEntry(
            doc_id=document.doc_id, source=document.source, stage="validate", message=f"{where}: {first['msg']}"
        )
    except Exception as exc:  # one broken document must not stop the run
        logger.debug("extraction failed for %s", document.source, exc_info=True)
        return ErrorEntry(
            doc_id=document.doc_id, source=document.source, stage="extract", message=f"{type(exc).__name__}: {exc}"
        )
    if any(p.severity == "error" for p in record.problems):
        messages = "; ".join(p.message for p in record.problems if p.severity == "error")
        return ErrorEntry(doc_id=record.doc_id, source=record.source, stage="validate", message=messages)
    return record


def run(
    input_dir: Path | str,
    output_dir: Path | str,
    progress: Callable[[Iterable[Path]], Iterable[Path]] | None = None,
) -> RunSummary:
    """Process every document in ``input_dir`` and write the outputs into ``output_dir``."""
    input_path, output_path = Path(input_dir), Path(output_dir)
    paths = discover(input_path)
    records: list[Record] = []
    errors: list[ErrorEntry] = []
    for path in progress(paths) if progress else paths:
        result = process_path(path, input_path)
        (records if isinstance(result, Record) else errors).append(result)
    write_outputs(output_path, records, errors)
    ordered = sorted(records, key=lambda r: r.doc_id)
    atomic_write_text(output_path / REPORT_HTML, render_report([r.model_dump(mode="json") for r in ordered]))
    summary = RunSummary(documents=len(paths), records=len(records), errors=len(errors))
    for record in records:
        summary.languages[record.language] += 1
        for name in COVERAGE_FIELDS:
            summary.coverage[name] += _found(record, name)
    if errors:
        logger.warning("%d of %d documents could not be processed; see %s", len(errors), len(paths), output_path / "errors.jsonl")
    return summary
