"""Write the output folder: JSONL, JSON, CSV tables and errors, each file replaced atomically."""

from __future__ import annotations

import csv
import ctypes
import io
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from pipeline.models import ErrorEntry, Record
from pipeline.tables import TABLES, Table

logger = logging.getLogger(__name__)

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


def render_outputs(records: Sequence[Record], errors: Sequence[ErrorEntry]) -> dict[str, str]:
    """File name -> content of the data outputs: records sorted by doc_id, errors by doc_id."""
    ordered = sorted(records, key=lambda r: r.doc_id)
    ordered_errors = sorted(errors, key=lambda e: (e.doc_id, e.source, e.stage))
    contents: dict[str, str] = {
        RECORDS_JSONL: records_jsonl(ordered),
        RECORDS_JSON: records_json(ordered),
        ERRORS_JSONL: errors_jsonl(ordered_errors),
    }
    for table in TABLES:
        contents[table.file_name] = table_csv(table, ordered)
    return contents


def write_outputs(output_dir: Path, records: Sequence[Record], errors: Sequence[ErrorEntry]) -> list[Path]:
    """Write every data output into ``output_dir`` at once; return the paths."""
    contents = render_outputs(records, errors)
    publish(output_dir, contents)
    return [output_dir / name for name in contents]


# --- publishing a whole folder at once -----------------------------------------------------------------
# The output folder is built beside itself and swapped in with one atomic rename (Linux renameat2
# RENAME_EXCHANGE), so a reader, or a run killed at any moment, sees the folder as before or as after.
# Where that is not possible (another system, or foreign files in the folder) each file is still
# replaced atomically on its own.

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths; False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    return result == 0


def _fsync_dir(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _write_file(path: Path, content: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        stream.write(content)
        stream.flush()
        os.fsync(stream.fileno())
    os.chmod(path, 0o644)


def _staging_prefix(output_dir: Path) -> str:
    return f".{output_dir.name}.staging-"


def remove_stale_staging(output_dir: Path) -> None:
    """Staging folders left by a run that was killed: the outputs they held never became visible."""
    parent = output_dir.parent
    if not parent.is_dir():
        return
    for entry in parent.iterdir():
        if entry.name.startswith(_staging_prefix(output_dir)) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


def publish(output_dir: Path, contents: Mapping[str, str], managed: frozenset[str] | None = None) -> None:
    """Make ``output_dir`` hold exactly ``contents`` (plus nothing else of ours), all at once."""
    output_dir = output_dir.absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(output_dir)
    ours = set(contents) | set(managed or ())
    foreign = output_dir.exists() and any(entry.name not in ours for entry in output_dir.iterdir())
    if foreign:
        logger.info("%s holds other files: outputs are replaced one by one", output_dir)
        for name, content in contents.items():
            atomic_write_text(output_dir / name, content)
        return
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(output_dir), dir=output_dir.parent))
    try:
        os.chmod(staging, 0o755)
        for name, content in contents.items():
            _write_file(staging / name, content)
        _fsync_dir(staging)
        if not output_dir.exists():
            os.rename(staging, output_dir)
        elif not _exchange(staging, output_dir):
            for name in contents:
                os.replace(staging / name, output_dir / name)
        _fsync_dir(output_dir.parent)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after an exchange: the previous outputs
