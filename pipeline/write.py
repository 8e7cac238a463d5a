"""Write the output folder: JSONL, JSON, CSV tables and errors, each file replaced atomically."""

from __future__ import annotations

import csv
import ctypes
import io
import json
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import types
import typing
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pydantic_core
from pydantic import BaseModel

from pipeline.models import ErrorEntry, Record
from pipeline.tables import TABLES, Table

logger = logging.getLogger(__name__)

RECORDS_JSONL = "records.jsonl"
RECORDS_JSON = "records.json"
ERRORS_JSONL = "errors.jsonl"
# OWASP CSV injection: a spreadsheet runs a cell starting with these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_CHARACTERS = frozenset(_FORMULA_START)  # one character each: a set look-up of the first
# A record's JSON is longer than the default buffer of 8 KiB, so each write would be a system call of
# its own: a larger buffer writes many records' worth at a time.
OUTPUT_BUFFER_BYTES = 1 << 20


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


# --- a record as JSON text ---------------------------------------------------------------------------------
# pydantic's serializer writes the same bytes as json.dumps(model_dump(mode="json"), ensure_ascii=False)
# in a fraction of the time, except for floats: it writes no exponent below 1e-4 (0.00001 for 1e-05) and
# null for inf and nan. Records holding such a float take the json.dumps path.

FloatPath = tuple[str, ...]  # attribute names down to a float field; "*" steps into every list item
_ANY_ITEM = "*"
_SMALLEST_PLAIN_FLOAT = 1e-4  # from here up both write a float the same way


def float_paths(model: type[BaseModel], prefix: FloatPath = ()) -> list[FloatPath]:
    """Where ``model`` can hold a float, found from its field types."""
    paths: list[FloatPath] = []
    for name, info in model.model_fields.items():
        paths.extend(_float_paths_of(info.annotation, (*prefix, name)))
    return paths


def _float_paths_of(annotation: object, path: FloatPath) -> list[FloatPath]:
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):  # Optional too
        return [found for argument in arguments for found in _float_paths_of(argument, path)]
    if origin in (list, tuple):
        items = [argument for argument in arguments if argument is not Ellipsis]
        return [found for argument in items for found in _float_paths_of(argument, (*path, _ANY_ITEM))]
    if origin is dict:
        if _float_paths_of(arguments[1], path):
            raise TypeError(f"a float inside a dict at {'.'.join(path)} is not supported")
        return []
    if annotation is float:
        return [path]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return float_paths(annotation, path)
    return []


_RECORD_FLOATS = float_paths(Record)


def _values_at(value: object, path: FloatPath) -> list[object]:
    """The values at ``path`` below ``value``, a level at a time (a None on the way holds nothing)."""
    values = [value]
    for step in path:
        if step == _ANY_ITEM:
            values = [item for parent in values if parent is not None for item in parent]  # type: ignore[attr-defined]
        else:
            values = [getattr(parent, step) for parent in values if parent is not None]
    return values


def _is_plain_float(value: object) -> bool:
    if not isinstance(value, float):
        return True
    return math.isfinite(value) and (value == 0 or abs(value) >= _SMALLEST_PLAIN_FLOAT)


def _fast_json_is_exact(record: Record) -> bool:
    return all(_is_plain_float(v) for path in _RECORD_FLOATS for v in _values_at(record, path))


def record_json(record: Record) -> bytes:
    """The record as compact UTF-8 JSON: json.dumps(model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))."""
    if _fast_json_is_exact(record):
        try:
            return Record.__pydantic_serializer__.to_json(record)
        except pydantic_core.PydanticSerializationError:
            pass  # e.g. a lone surrogate: json.dumps and the UTF-8 encoder decide, as before
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def errors_jsonl(errors: Sequence[ErrorEntry]) -> str:
    return "".join(json.dumps(e.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) + "\n" for e in errors)


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will show as text, not evaluate (the JSON keeps the exact text)."""
    text = "" if value is None else str(value)
    if text[:1] in _FORMULA_CHARACTERS and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_cells(table: Table, record: Record) -> list[list[str]]:
    """The record's rows of ``table`` as CSV cells."""
    return [[safe_cell(value) for value in values] for values in table.values(record)]


# A cell of a line whose cells hold no comma starts the line or follows a comma (a pattern opening with
# a literal: the engine skips from comma to comma).
_FORMULA_AFTER_COMMA = re.compile(",[" + re.escape("".join(_FORMULA_START)) + "]")


def _plain_row_text(row: Sequence[object]) -> str | None:
    """The CSV line of ``row`` as the csv module writes it (None as empty, the rest through str, which for
    a float is its repr), when no cell needs quoting or neutralising; None when one might.

    The csv module quotes a cell holding a comma, a quote or a line break; here one string test each over
    the joined line tells that none does (a comma inside a cell shows as one comma too many), and the
    formula characters are looked for only at the line's start and after commas.
    """
    cells = [value if value.__class__ is str else "" if value is None else str(value) for value in row]
    line = ",".join(cells)
    if (
        len(cells) < 2  # the csv module quotes a lone empty cell
        or line.count(",") != len(cells) - 1
        or '"' in line
        or "\n" in line
        or "\r" in line
        or line[:1] in _FORMULA_CHARACTERS
        or _FORMULA_AFTER_COMMA.search(line) is not None
    ):
        return None
    return line + "\n"


def _table_text(table: Table, record: Record) -> str:
    """``csv_text(table_cells(table, record))``: most rows need neither quotes nor neutralised cells and
    are joined as they are; the others go through ``safe_cell`` and the csv module."""
    return "".join(
        [_plain_row_text(row) or csv_text([[safe_cell(value) for value in row]]) for row in table.values(record)]
    )


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def table_csv(table: Table, records: Sequence[Record]) -> str:
    header = [[c.name for c in table.columns]]
    return csv_text(header) + "".join(csv_text(table_cells(table, record)) for record in records)


@dataclass(frozen=True, slots=True)
class RecordOutput:
    """A record already turned into what the data outputs hold: text to append, nothing to serialise.

    Built where the record is made (a worker process, too), so the process writing the files only
    copies strings: it neither unpickles a Record nor serialises one.
    """

    doc_id: str
    # UTF-8 throughout: pydantic writes bytes, and nothing is decoded only to be encoded again
    jsonl_line: bytes  # with its newline; without it, the record's element of records.json
    csv_rows: tuple[bytes, ...]  # its rows of each table, in TABLES order


def record_output(record: Record) -> RecordOutput:
    rows = tuple(_table_text(table, record).encode("utf-8") for table in TABLES)
    return RecordOutput(record.doc_id, record_json(record) + b"\n", rows)


class OutputWriter:
    """Writes the data outputs one record at a time, in doc_id order, so memory stays flat in N."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.errors: list[ErrorEntry] = []
        self._streams = {
            name: open(folder / name, "wb", buffering=OUTPUT_BUFFER_BYTES)
            for name in (RECORDS_JSONL, RECORDS_JSON, *(t.file_name for t in TABLES))
        }
        for table in TABLES:
            self._streams[table.file_name].write(csv_text([[c.name for c in table.columns]]).encode("utf-8"))
        self._records = 0

    def add_record(self, record: Record) -> None:
        self.add_output(record_output(record))

    def add_output(self, output: RecordOutput) -> None:
        self._streams[RECORDS_JSONL].write(output.jsonl_line)
        # records.json holds the same lines as one array, an element per line: each record is serialised
        # once, and the array loads as the records (json.load, pandas.read_json)
        records_json = self._streams[RECORDS_JSON]
        records_json.write(b"[\n" if self._records == 0 else b",\n")
        records_json.write(memoryview(output.jsonl_line)[:-1])
        for table, rows in zip(TABLES, output.csv_rows, strict=True):
            self._streams[table.file_name].write(rows)
        self._records += 1

    def add_error(self, error: ErrorEntry) -> None:
        self.errors.append(error)

    def close(self) -> list[str]:
        """Finish every file (errors sorted by doc_id); return the names written."""
        self._streams[RECORDS_JSON].write(b"\n]\n" if self._records else b"[]\n")
        for stream in self._streams.values():
            stream.flush()
            os.fsync(stream.fileno())
            stream.close()
        ordered = sorted(self.errors, key=lambda e: (e.doc_id, e.source, e.stage))
        _write_file(self.folder / ERRORS_JSONL, errors_jsonl(ordered))
        for name in self._streams:
            os.chmod(self.folder / name, 0o644)
        return [*self._streams, ERRORS_JSONL]


def write_outputs(output_dir: Path, records: Sequence[Record], errors: Sequence[ErrorEntry]) -> list[Path]:
    """Write every data output into ``output_dir`` at once; return the paths."""
    with staged_folder(output_dir) as staging:
        writer = OutputWriter(staging)
        for record in sorted(records, key=lambda r: r.doc_id):
            writer.add_record(record)
        for error in errors:
            writer.add_error(error)
        names = writer.close()
    return [output_dir / name for name in names]


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


@contextmanager
def staged_folder(output_dir: Path) -> Iterator[Path]:
    """A staging folder beside ``output_dir``; on success it replaces ``output_dir`` all at once.

    If ``output_dir`` holds files of its own (not outputs), only the staged files are moved in, each
    atomically. On an exception the staging folder is removed and ``output_dir`` is left as it was.
    """
    output_dir = output_dir.absolute()
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(output_dir)
    staging = Path(tempfile.mkdtemp(prefix=_staging_prefix(output_dir), dir=output_dir.parent))
    try:
        os.chmod(staging, 0o755)
        yield staging
        _commit(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # after an exchange: the previous outputs


def _commit(staging: Path, output_dir: Path) -> None:
    names = {entry.name for entry in staging.iterdir()}
    _fsync_dir(staging)
    if not output_dir.exists():
        os.rename(staging, output_dir)
    elif any(entry.name not in names for entry in output_dir.iterdir()) or not _exchange(staging, output_dir):
        for name in sorted(names):
            os.replace(staging / name, output_dir / name)
    _fsync_dir(output_dir.parent)
