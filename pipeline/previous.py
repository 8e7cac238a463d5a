"""The previous run's outputs, read back for documents that have not changed.

An unchanged document's part of every output is copied from the previous files instead of being
rebuilt from its record (parsing and serialising a record costs far more than copying its text): its
records.jsonl line (which is also its records.json element), its rows of each CSV table and its
section of report.html. Only the record's leading keys are decoded, for the page's summary and for
checks.

Each piece is checked before it is copied: it must be framed as the writer frames it, name the
document, and agree with the record line (the row counts, the section's heading).
A file changed after the manifest was written (edited by hand) is not copied from at all. Whatever
does not check out is not copied: the caller rebuilds that document from its record line, as before.
Every file is read forward once, in chunks, and only one document's pieces are held at a time; of
the page, whose sections are in another order, only an index of offsets is kept.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.manifest import MANIFEST_JSON
from pipeline.report import PAGE_END, REPORT_HTML, SECTION_END, SECTION_START, ReportEntry, copied_report_entry, section_heading
from pipeline.tables import COVERAGE_FIELDS, TABLES, Table
from pipeline.write import RECORDS_JSONL, RecordOutput, csv_text, safe_cell

_CHUNK = 1 << 20
_SECTION_END = SECTION_END.encode("utf-8")

# The record keys the copy needs: the page's summary reads some, the checks the others.
_HEAD_KEYS = frozenset(
    {"doc_id", "source", "sha256", "language", "title", "funding_programmes", "amounts", "organisations", "dates",
     *COVERAGE_FIELDS}
)
# A record's rows per table; a table not named here is never copied (its rows could not be counted).
_ROW_COUNTS: dict[str, Callable[[dict[str, Any]], int]] = {
    "documents": lambda head: 1,
    "organisations": lambda head: len(head["organisations"]),
    "amounts": lambda head: len(head["amounts"]),
    "dates": lambda head: len(head["dates"]),
}


@dataclass(frozen=True, slots=True)
class Copied:
    """An unchanged record's outputs as the previous run wrote them."""

    output: RecordOutput
    report: ReportEntry
    head: dict[str, Any]  # the record's leading keys (see _HEAD_KEYS)


@dataclass(frozen=True, slots=True)
class Previous:
    """What the previous outputs hold for one record: its line, and its outputs if they can be copied."""

    line: bytes
    copied: Copied | None


# --- the record line ----------------------------------------------------------------------------------------

_SCAN = json.JSONDecoder().scan_once


def record_head(line: str) -> dict[str, Any] | None:
    """The record's keys up to the last one in _HEAD_KEYS, decoded without the long tail (segments,
    text, offset map); None if the line is not a JSON object holding them all."""
    if not line.startswith("{"):
        return None
    head: dict[str, Any] = {}
    missing = set(_HEAD_KEYS)
    position = 1
    try:
        while missing:
            key, position = _SCAN(line, position)
            if not isinstance(key, str) or line[position] != ":":
                return None
            head[key], position = _SCAN(line, position + 1)
            missing.discard(key)
            if missing and line[position] != ",":
                return None
            position += 1
    except (StopIteration, IndexError, ValueError):
        return None
    return head


def _plain_head(head: dict[str, Any], doc_id: str) -> bool:
    """The decoded keys have the types the outputs were made from (amounts as JSON numbers: the same
    floats the record held, so the page's sums come out the same)."""
    try:
        return (
            head["doc_id"] == doc_id
            and all(isinstance(head[name], str) for name in ("source", "sha256", "language"))
            and isinstance(head["title"], str | None)
            and all(isinstance(head[name], list) for name in ("organisations", "amounts", "dates", "funding_programmes"))
            and all(isinstance(p, str) for p in head["funding_programmes"])
            and all(
                isinstance(a, dict) and isinstance(a.get("currency"), str) and type(a.get("value")) in (float, int)
                for a in head["amounts"]
            )
        )
    except (KeyError, TypeError):
        return False


class _Lines:
    """records.jsonl's lines, forward only."""

    def __init__(self, path: Path) -> None:
        self._stream = open(path, "rb")
        self._pending: bytes | None = None

    def take(self, doc_id: str) -> bytes | None:
        """The line of ``doc_id``, skipping the lines before it; None if it is not where it belongs."""
        while True:
            line = self._pending if self._pending is not None else self._stream.readline()
            self._pending = None
            if not line:
                return None
            line_id = line_doc_id(line)
            if line_id == doc_id:
                return line if line.endswith(b"\n") else None  # a last line without its newline was cut short
            if line_id is not None and line_id > doc_id:
                self._pending = line  # a later record's: kept for its turn
                return None

    def close(self) -> None:
        self._stream.close()


_LINE_ID = re.compile(rb'^\{"doc_id":("(?:[^"\\]|\\.)*")')


def line_doc_id(line: bytes) -> str | None:
    """The doc_id a records.jsonl line starts with; None if it does not start as a record does."""
    found = _LINE_ID.match(line)
    try:
        return json.loads(found.group(1)) if found is not None else None
    except ValueError:  # UnicodeDecodeError too
        return None


# --- the CSV tables ----------------------------------------------------------------------------------------


class _TableRows:
    """One table's rows with their exact text, forward only; a record's rows are together, in doc_id
    order, and start with its doc_id cell (written through safe_cell).

    Rows are framed without parsing: the writer quotes every cell holding a quote or a newline and
    doubles the quotes inside, so a row ends at the first newline with an even number of quotes
    before it in the row. That is where the writer ended it (a cell with a bare carriage return is
    not quoted, and csv.reader would split it there).
    """

    def __init__(self, path: Path, table: Table) -> None:
        self._stream = open(path, "rb")
        self._broken = False  # set where the file stops being as written: nothing after is taken
        self._pending: bytes | None = None
        self._broken = self._next() != csv_text([[c.name for c in table.columns]]).encode("utf-8")

    def _next(self) -> bytes | None:
        """The next row's text; None at the end, or from where the file was cut short."""
        if self._broken:
            return None
        row = self._stream.readline()
        quotes = row.count(b'"')
        while row and (quotes % 2 or not row.endswith(b"\n")):
            more = self._stream.readline() if row.endswith(b"\n") else b""
            if not more:
                self._broken = True  # a quote left open or a last line without its newline
                return None
            row += more
            quotes += more.count(b'"')
        return row or None

    def take(self, doc_id: str, expected: int) -> bytes | None:
        """The ``expected`` rows of ``doc_id``, as written; None if they are not exactly there."""
        if safe_cell(doc_id) != doc_id or doc_id.startswith("'"):
            return None  # a doc_id cell altered by safe_cell could be another document's
        # a row whose text starts with the cell as written and the separator has exactly that first cell
        start = csv_text([[doc_id]]).encode("utf-8")[:-1] + b","
        rows: list[bytes] = []
        while (row := self._pending or self._next()) is not None:
            self._pending = None
            if row.startswith(start):
                rows.append(row)
                continue
            first = _first_cell(row)
            if first is None or not _before(first, doc_id):
                self._pending = row  # a later document's: kept for its turn
                break
        return b"".join(rows) if len(rows) == expected else None

    def close(self) -> None:
        self._stream.close()


def _first_cell(row: bytes) -> str | None:
    try:
        text = row.decode("utf-8")
        if not text.startswith('"'):
            return text[: text.find(",")] if "," in text else text[:-1]
        return next(csv.reader(io.StringIO(text, newline="")))[0]
    except (UnicodeDecodeError, csv.Error, StopIteration, IndexError):
        return None


def _before(cell: str, doc_id: str) -> bool:
    """The row belongs to a document before ``doc_id``, whichever id safe_cell made the cell of ("'=x"
    is the cell of "=x" and of "'=x"); a cell safe_cell makes of no id is passed over."""
    ids = [cell] if safe_cell(cell) == cell else []
    if cell.startswith("'") and safe_cell(cell[1:]) == cell:
        ids.append(cell[1:])
    return all(other < doc_id for other in ids)


# --- report.html ------------------------------------------------------------------------------------------------


class _Sections:
    """Where each wanted document's section is in the previous page (sections are ordered worst first,
    not by doc_id): offsets only, read when the document's turn comes."""

    _MARKER = SECTION_START.encode("utf-8")
    _ID_LIMIT = 1 << 16  # an id longer than this is no id the pipeline writes

    def __init__(self, path: Path, wanted: Collection[str]) -> None:
        self._stream = open(path, "rb")
        self._places: dict[str, tuple[int, int]] = {}
        size = os.fstat(self._stream.fileno()).st_size
        page_end = PAGE_END.encode("utf-8")
        self._stream.seek(max(0, size - len(page_end)))
        if self._stream.read() != page_end:
            return  # cut short: no section's end is certain
        previous: tuple[int, str] | None = None
        duplicated: set[str] = set()  # two sections for one id: neither is certain
        for offset, doc_id in self._starts_then_end(size - len(page_end)):
            if previous is not None and previous[1] in wanted:
                if previous[1] in self._places:
                    duplicated.add(previous[1])
                self._places[previous[1]] = (previous[0], offset - previous[0])
            previous = (offset, doc_id)
        for doc_id in duplicated:
            del self._places[doc_id]

    def _starts_then_end(self, end: int) -> Iterator[tuple[int, str]]:
        """The sections' starts, then where the last one ends."""
        yield from self._starts()
        yield end, ""

    def _starts(self) -> Iterator[tuple[int, str]]:
        """(offset, doc_id) of every section, in page order, read in chunks."""
        self._stream.seek(0)
        marker = self._MARKER
        base, buffer = 0, b""
        while True:
            chunk = self._stream.read(_CHUNK)
            buffer += chunk
            search, waiting = 0, -1
            while (found := buffer.find(marker, search)) >= 0:
                quote = buffer.find(b'"', found + len(marker), found + len(marker) + self._ID_LIMIT)
                if quote < 0 and chunk and len(buffer) - found < self._ID_LIMIT:
                    waiting = found  # the id goes on in the next chunk
                    break
                yield base + found, _unescaped(buffer[found + len(marker) : quote] if quote >= 0 else b"")
                search = found + len(marker)
            if not chunk:
                return
            # keep what a marker cut by the chunk's end could start with
            keep = waiting if waiting >= 0 else max(search, len(buffer) - len(marker) + 1)
            base, buffer = base + keep, buffer[keep:]

    def take(self, doc_id: str) -> bytes | None:
        """The section of ``doc_id``, as UTF-8 (checked, not kept decoded: the page is written as bytes)."""
        place = self._places.pop(doc_id, None)
        if place is None:
            return None
        self._stream.seek(place[0])
        section = self._stream.read(place[1])
        try:
            section.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return section

    def close(self) -> None:
        self._stream.close()


def _unescaped(raw: bytes) -> str:
    try:
        return html.unescape(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return ""


# --- all of them ------------------------------------------------------------------------------------------------


class PreviousOutputs:
    """The previous outputs of unchanged records, taken in doc_id order (``take``)."""

    def __init__(self, folder: Path, wanted: Collection[str]) -> None:
        self._streams: list[_Lines | _TableRows | _Sections] = []
        self._lines = self._open(_Lines, folder / RECORDS_JSONL)
        trusted = _unchanged_since_manifest(folder, [RECORDS_JSONL, REPORT_HTML, *(t.file_name for t in TABLES)])
        copying = bool(wanted) and trusted and all(table.name in _ROW_COUNTS for table in TABLES)
        self._tables = [self._open(_TableRows, folder / t.file_name, t) for t in TABLES] if copying else []
        self._sections = self._open(_Sections, folder / REPORT_HTML, wanted) if copying else None

    def _open(self, kind: Any, path: Path, *arguments: Any) -> Any:
        try:
            stream = kind(path, *arguments)
        except (OSError, ValueError):
            return None
        self._streams.append(stream)
        return stream

    def take(self, doc_id: str) -> Previous | None:
        """What the outputs hold for ``doc_id``; call in doc_id order. None if its line is not there."""
        line = self._lines.take(doc_id) if self._lines is not None else None
        if line is None:
            return None
        return Previous(line, self._copy(doc_id, line))

    def _copy(self, doc_id: str, line: bytes) -> Copied | None:
        """The record's outputs copied, if every piece is there and checks out; the pieces skipped after
        a failed check are skipped by the next take (each stream finds its document by id)."""
        if self._sections is None or any(table is None for table in self._tables):
            return None
        head = _head(line, doc_id)
        if head is None:
            return None
        rows: list[bytes] = []
        for table, spec in zip(self._tables, TABLES, strict=True):
            found = table.take(doc_id, _ROW_COUNTS[spec.name](head))
            if found is None:
                return None
            rows.append(found)
        section = self._sections.take(doc_id)
        if section is None or not (section.startswith(section_heading(head).encode("utf-8")) and section.endswith(_SECTION_END)):
            return None
        return Copied(RecordOutput(doc_id, line, tuple(rows)), copied_report_entry(head, section), head)

    def close(self) -> None:
        for stream in self._streams:
            stream.close()

    def __enter__(self) -> PreviousOutputs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _head(line: bytes, doc_id: str) -> dict[str, Any] | None:
    try:
        head = record_head(line.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return head if head is not None and _plain_head(head, doc_id) else None


def _unchanged_since_manifest(folder: Path, names: list[str]) -> bool:
    """Every file was last written before the manifest, as a run writes them: one changed by hand
    after it may no longer agree with the records."""
    try:
        manifest = (folder / MANIFEST_JSON).stat().st_mtime_ns
        return all((folder / name).stat().st_mtime_ns <= manifest for name in names)
    except OSError:
        return False
