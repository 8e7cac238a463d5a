"""Write the output folder: JSONL, JSON, CSV tables and errors, each file replaced atomically."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from pipeline.models import ErrorEntry, Record
from pipeline.tables import TABLES, Table

RECORDS_JSONL = "records.jsonl"
RECORDS_JSON = "records.json"
ERRORS_JSONL = "errors.jsonl"
# OWASP CSV injection: a spreadsheet runs a cell starting with these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def atomic_write_text(path: Path, content: str) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)  # mkstemp creates 0600; outputs are for others to read
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def record_json(record: Record) -> str:
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


def records_jsonl(records: Sequence[Record]) -> str:
    return "".join(record_json(r) + "\n" for r in records)


def records_json(records: Sequence[Record]) -> str:
    return json.dumps([r.model_dump(mode="json") for r in records], ensure_ascii=False, indent=2) + "\n"


def errors_jsonl(errors: Sequence[ErrorEntry]) -> str:
    return "".join(json.dumps(e.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) + "\n" for e in errors)


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will show as text, not evaluate (the JSON keeps the exact text)."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_csv(table: Table, records: Sequence[Record]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([c.name for c in table.columns])
    for record in records:
        for row in table.rows(record):
            writer.writerow([safe_cell(row[c.name]) for c in table.columns])
    return buffer.getvalue()


def write_outputs(output_dir: Path, records: Sequence[Record], errors: Sequence[ErrorEntry]) -> list[Path]:
    """Write every output file, records sorted by doc_id and errors by doc_id; return the paths."""
    ordered = sorted(records, key=lambda r: r.doc_id)
    ordered_errors = sorted(errors, key=lambda e: (e.doc_id, e.source, e.stage))
    contents: dict[str, str] = {
        RECORDS_JSONL: records_jsonl(ordered),
        RECORDS_JSON: records_json(ordered),
        ERRORS_JSONL: errors_jsonl(ordered_errors),
    }
    for table in TABLES:
        contents[table.file_name] = table_csv(table, ordered)
    written = []
    for name, content in contents.items():
        path = output_dir / name
        atomic_write_text(path, content)
        written.append(path)
    return written
