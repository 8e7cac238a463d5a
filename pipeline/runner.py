"""Run the pipeline over a folder: the only place that reads inputs and writes outputs.

A run plans first: every input file is compared with the output folder's manifest (size and
modification time, then sha256), and only new or changed documents are processed; records of
unchanged ones are reused and those of removed files dropped. A change of pipeline version or rules,
or ``force``, reprocesses everything. Documents are processed in this process, in a pool of worker
processes, or on a Dask cluster, all through the same per-document function.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from pipeline.ingest import IngestError, RawDocument, discover, document_id, read_document
from pipeline.manifest import MANIFEST_JSON, DocumentState, load_manifest, render_manifest
from pipeline.models import ErrorEntry, Record
from pipeline.previous import PreviousOutputs, line_doc_id
from pipeline.report import REPORT_HTML, ReportBuilder, ReportEntry, record_report_entry
from pipeline.tables import COVERAGE_FIELDS, TABLES
from pipeline.write import (
    ERRORS_JSONL, RECORDS_JSON, RECORDS_JSONL, OutputWriter, RecordOutput, atomic_write_text, record_output, staged_folder,
)

MANAGED_FILES = frozenset(
    {RECORDS_JSONL, RECORDS_JSON, ERRORS_JSONL, REPORT_HTML, MANIFEST_JSON, *(t.file_name for t in TABLES)}
)

logger = logging.getLogger(__name__)

Outcome = Record | ErrorEntry


@dataclass(frozen=True, slots=True)
class PreparedRecord:
    """A record as the outputs need it: its files' text, its part of the review page, its manifest facts.

    Workers send this instead of the Record, so the parent neither unpickles nor serialises records.
    """

    output: RecordOutput
    report: ReportEntry
    sha256: str
    language: str
    found: tuple[str, ...]  # coverage fields the record has


def prepare_record(record: Record) -> PreparedRecord:
    found = tuple(name for name in COVERAGE_FIELDS if getattr(record, name))
    return PreparedRecord(record_output(record), record_report_entry(record), record.sha256, record.language, found)


Prepared = PreparedRecord | ErrorEntry
Progress = Callable[[Iterable[Prepared]], Iterable[Prepared]]


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-document resource limits: one pathological file cannot hang or exhaust the run."""

    max_bytes: int = 20 * 1024 * 1024
    seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class RunOptions:
    force: bool = False
    workers: int = 1
    engine: Literal["local", "dask"] = "local"
    scheduler: str | None = None  # Dask scheduler address; None starts a local cluster
    limits: Limits = Limits()


@dataclass(slots=True)
class RunSummary:
    """What a run did: counts, and how often each field was found."""

    documents: int = 0
    records: int = 0
    errors: int = 0
    processed: int = 0
    skipped: int = 0
    removed: int = 0
    coverage: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def render(self) -> str:
        lines = [
            f"documents: {self.documents}   records: {self.records}   errors: {self.errors}",
            f"processed: {self.processed}   skipped (unchanged): {self.skipped}   removed: {self.removed}",
        ]
        if self.languages:
            lines.append("languages: " + ", ".join(f"{code} {n}" for code, n in sorted(self.languages.items())))
        lines.append("fields found (documents):")
        for name in COVERAGE_FIELDS:
            lines.append(f"  {name:<20} {self.coverage[name]:>6}")
        return "\n".join(lines)


# --- one document ---------------------------------------------------------------------------------------


class DocumentTimeout(Exception):
    """A document took longer than its time budget."""


def _expire(signum: int, frame: object) -> None:
    raise DocumentTimeout


def _can_time(seconds: float) -> bool:
    """Whether a budget of ``seconds`` can be kept here (main thread only: signals need it)."""
    return seconds > 0 and threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


class _time_budget:
    """Interrupt the block after ``seconds``. The alarm's handler is installed for the block unless a
    batch of documents has it installed already (see ``_alarm_handled``): two system calls fewer each.

    A class, not a generator-based context manager: it is entered once per document."""

    __slots__ = ("seconds", "timed", "installed_here", "previous")

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.timed = _can_time(seconds)
        self.installed_here = False
        self.previous: Any = None

    def __enter__(self) -> None:
        if not self.timed:
            return
        if signal.getsignal(signal.SIGALRM) is not _expire:
            self.installed_here = True
            self.previous = signal.signal(signal.SIGALRM, _expire)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc_info: object) -> None:
        if not self.timed:
            return
        signal.setitimer(signal.ITIMER_REAL, 0)
        if self.installed_here:
            signal.signal(signal.SIGALRM, self.previous)


@contextmanager
def _alarm_handled() -> Iterator[None]:
    """The alarm's handler installed for a batch of documents, and the one before restored after."""
    if not _can_time(1.0):
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expire)
    try:
        yield
    finally:
        signal.signal(signal.SIGALRM, previous)


def process_document(document: RawDocument) -> Record:
    """Extract one document. The extraction modules (spaCy, every extractor: about a second to import)
    are imported on first use, so the parent of worker processes, which only writes, never loads them."""
    from pipeline import process

    return process.process_document(document)


def process_path(path: Path, input_dir: Path, limits: Limits = Limits()) -> Outcome:
    """One file to a record, or to the error entry that says why it could not be one."""
    try:
        relative = path.relative_to(input_dir)  # is_relative_to would work the relative path out twice
    except ValueError:
        relative = Path(path.name)
    doc_id, source = document_id(relative), str(input_dir / relative)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return ErrorEntry(doc_id=doc_id, source=source, stage="ingest", message=f"cannot read file: {exc.strerror or exc}")
    if size > limits.max_bytes:
        message = f"file is {size:,} bytes, above the limit of {limits.max_bytes:,} bytes"
        return ErrorEntry(doc_id=doc_id, source=source, stage="ingest", message=message)
    try:
        with _time_budget(limits.seconds):
            return _process(path, input_dir)
    except DocumentTimeout:
        message = f"processing took longer than the time budget of {limits.seconds:g} s"
        return ErrorEntry(doc_id=doc_id, source=source, stage="extract", message=message)


def _process(path: Path, input_dir: Path) -> Outcome:
    try:
        document = read_document(path, input_dir)
    except IngestError as exc:
        return ErrorEntry(doc_id=exc.doc_id, source=exc.source, stage="ingest", message=exc.message)
    try:
        record = process_document(document)
        if document.format != "text" or document.metadata:
            record = record.model_copy(update={"format": document.format, "metadata": dict(sorted(document.metadata.items()))})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return ErrorEntry(
            doc_id=document.doc_id, source=document.source, stage="validate", message=f"{where}: {first['msg']}"
        )
    except DocumentTimeout:
        raise
    except Exception as exc:  # one broken document must not stop the run
        logger.debug("extraction failed for %s", document.source, exc_info=True)
        return ErrorEntry(
            doc_id=document.doc_id, source=document.source, stage="extract", message=f"{type(exc).__name__}: {exc}"
        )
    if any(p.severity == "error" for p in record.problems):
        messages = "; ".join(p.message for p in record.problems if p.severity == "error")
        return ErrorEntry(doc_id=record.doc_id, source=record.source, stage="validate", message=messages)
    return record


# --- planning ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    doc_id: str
    source: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Plan:
    inputs: list[InputFile]
    to_process: list[InputFile]
    reused: dict[str, DocumentState]  # doc_id -> state of an unchanged document
    removed: list[str]
    duplicates: list[InputFile]  # a second file with a doc_id already taken


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_inputs(input_dir: Path) -> tuple[list[InputFile], list[InputFile]]:
    """Input files with their ids; the second list holds files whose id an earlier file took."""
    inputs: dict[str, InputFile] = {}
    duplicates: list[InputFile] = []
    for path in discover(input_dir):
        relative = path.relative_to(input_dir)
        try:
            stat = path.stat()
        except OSError:
            stat = None
        item = InputFile(
            path, document_id(relative), str(input_dir / relative), stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0
        )
        if item.doc_id in inputs:
            duplicates.append(item)
        else:
            inputs[item.doc_id] = item
    return list(inputs.values()), duplicates


def plan_run(input_dir: Path, output_dir: Path, force: bool, pending: frozenset[str] = frozenset()) -> Plan:
    """What to process: new or changed documents (all of them when forced or the rules changed).

    ``pending`` names sources not to read yet (files still being written): an earlier result of such a
    file is kept, a new one waits.
    """
    inputs, duplicates = list_inputs(input_dir)
    manifest = None if force else load_manifest(output_dir)
    previous = manifest.documents if manifest is not None and manifest.matches_rules() else {}
    reused: dict[str, DocumentState] = {}
    to_process: list[InputFile] = []
    kept_inputs: list[InputFile] = []
    for item in inputs:
        state = previous.get(item.doc_id)
        if item.source in pending:
            if state is not None and state.source == item.source:
                reused[item.doc_id] = state
            continue
        kept_inputs.append(item)
        if state is None or state.source != item.source:
            to_process.append(item)
        elif state.size == item.size and state.mtime_ns == item.mtime_ns:
            reused[item.doc_id] = state
        elif state.size == item.size and _sha256(item.path) == state.sha256:
            # touched but not changed: reuse, with the new modification time
            reused[item.doc_id] = state.model_copy(update={"mtime_ns": item.mtime_ns})
        else:
            to_process.append(item)
    present = {item.doc_id for item in inputs}
    removed = sorted(doc_id for doc_id in previous if doc_id not in present)
    return Plan(kept_inputs, to_process, reused, removed, duplicates)


# --- engines ------------------------------------------------------------------------------------------------


def _warm_up() -> None:
    """Load models and data once, before the first document (before the workers are forked from this
    process, so they share them). The paragraph has two sentences: the tokenizer is built only where a
    sentence may start after a mark."""
    from pipeline.language import load_tie_breaker
    from pipeline.process import extract_text

    extract_text(
        "Warm-up\n\nOrganization name: CVEK\nAmount: 8 442 €\n\n"
        "The seminar took place on 27 February 2019 in Prague. It was open to the public."
    )
    load_tie_breaker()  # else built by the first Czech or Slovak text whose words do not tell the two apart


def _try_warm_up() -> None:
    try:
        _warm_up()
    except Exception:  # e.g. a malformed data file: each document then reports it as its error
        logger.debug("warm-up failed", exc_info=True)


def _warm_up_worker() -> None:
    """A worker process's start: models loaded, then the collector settled and the alarm's handler
    installed for the process's life."""
    _warm_up()
    _settle_collector()
    _handle_alarm()


def _handle_alarm() -> None:
    """The time budget's alarm handler, for the life of a worker process (see ``_time_budget``)."""
    if _can_time(1.0):
        signal.signal(signal.SIGALRM, _expire)


def _process_item(item: tuple[Path, Path, Limits]) -> Prepared:
    path, input_dir, limits = item
    outcome = process_path(path, input_dir, limits)
    return prepare_record(outcome) if isinstance(outcome, Record) else outcome


# Each document allocates thousands of short-lived tuples and models. At the default threshold of 700
# net allocations the cyclic collector runs every few hundred tokens; documents leave no cycles behind
# (reference counting frees them), so a larger first generation only batches the same work.
_FIRST_GENERATION_THRESHOLD = 20_000


def _settle_collector() -> None:
    """Keep the collector off what lives for the whole process (modules, data files, models): frozen
    objects are never traversed again. Call once the models are loaded. (Loading them leaves no cyclic
    garbage to collect first: a full collection then finds nothing, in a tenth of a second.)"""
    gc.freeze()
    first, *older = gc.get_threshold()
    gc.set_threshold(max(first, _FIRST_GENERATION_THRESHOLD), *older)


@contextmanager
def _collector_settled() -> Iterator[None]:
    """``_settle_collector`` for the length of a block; the collector's settings are restored after."""
    thresholds = gc.get_threshold()
    _settle_collector()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _in_process_outcomes(work: list[tuple[Path, Path, Limits]]) -> Iterator[Prepared]:
    _try_warm_up()
    with _collector_settled(), _alarm_handled():
        yield from map(_process_item, work)


def _local_outcomes(items: Sequence[InputFile], input_dir: Path, options: RunOptions) -> Iterator[Prepared]:
    work = [(item.path, input_dir, options.limits) for item in items]
    if options.workers <= 1 or len(work) <= 1:
        yield from _in_process_outcomes(work)
        return
    if _can_fork():
        yield from _forked_outcomes(work, options.workers)
        return
    yield from _pool_outcomes(work, options.workers, _fork_server_context(), _warm_up_worker)


def _pool_outcomes(
    work: list[tuple[Path, Path, Limits]], workers: int, context: BaseContext, start_worker: Callable[[], None]
) -> Iterator[Prepared]:
    """The outcomes of ``work`` from a pool of ``workers`` processes started by ``context``, in order."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=start_worker) as pool:
        yield from pool.map(_process_item, work, chunksize=_chunk_size(len(work), workers))


def _chunk_size(documents: int, workers: int) -> int:
    """Documents sent to a worker at a time: enough to keep the pipes quiet, few enough that the workers
    finish close together (the last chunk of each is the run's tail)."""
    return max(1, min(16, documents // (workers * 8)))


def _can_fork() -> bool:
    """Whether workers can start as forks of this process. A fork copies only the calling thread, so a
    process running other threads (whose locks the fork could copy held) starts a fork server instead;
    so do platforms where forking is unsafe or missing."""
    import multiprocessing

    return (
        sys.platform.startswith("linux")
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def _forked_outcomes(work: list[tuple[Path, Path, Limits]], workers: int) -> Iterator[Prepared]:
    """Workers forked from this process once its models are loaded: they start at once, with no imports
    or warm-up of their own, and share the loaded models' memory pages until either side writes them."""
    import multiprocessing

    _try_warm_up()
    # Frozen before the fork: neither side's collector then writes to the shared pages.
    with _collector_settled():
        yield from _pool_outcomes(work, workers, multiprocessing.get_context("fork"), _start_forked_worker)


def _start_forked_worker() -> None:
    """A forked worker answers interrupts as a fresh process does, not with handlers its parent set
    (a watch loop's, say): Ctrl-C stops it."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _handle_alarm()


# Imported once by the fork server, before it forks the workers, instead of by every worker after
# (about a second of CPU per worker); each worker still loads its models in its own warm-up.
_FORK_SERVER_PRELOAD = ["__main__", "pipeline.runner", "pipeline.process"]


def _fork_server_context() -> BaseContext:
    """Fork server where there is one: workers start as forks of a clean process that has the extraction
    modules imported already (a fork server that is running already keeps what it has)."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_FORK_SERVER_PRELOAD)
    return context


def _dask_outcomes(items: Sequence[InputFile], input_dir: Path, options: RunOptions) -> Iterator[Prepared]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # an optional extra
        raise RuntimeError("the dask engine needs the optional extra: pip install '.[dask]'") from exc
    work = [(item.path, input_dir, options.limits) for item in items]
    if options.scheduler:
        client = Client(options.scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=max(1, options.workers), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        # workers run documents in their own threads, where no time budget can interrupt them
        futures = client.map(_process_item, work, pure=False)
        for future in futures:
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _outcomes(items: Sequence[InputFile], input_dir: Path, options: RunOptions) -> Iterator[Prepared]:
    if options.engine == "dask":
        return _dask_outcomes(items, input_dir, options)
    return _local_outcomes(items, input_dir, options)


# --- the run --------------------------------------------------------------------------------------------------


def _previous_errors(output_dir: Path, wanted: set[str]) -> dict[str, ErrorEntry]:
    path = output_dir / ERRORS_JSONL
    if not wanted or not path.exists():
        return {}
    errors = (ErrorEntry.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line)
    return {error.doc_id: error for error in errors if error.doc_id in wanted}


def _available_previous(output_dir: Path, reused: dict[str, DocumentState]) -> set[str]:
    """Reused ids whose previous record or error is really in the outputs (they may have been edited).

    A record line out of doc_id order counts as missing: the previous outputs are read forward only.
    """
    expected_records = {doc_id for doc_id, state in reused.items() if state.outcome == "record"}
    present: set[str] = set()
    path = output_dir / RECORDS_JSONL
    if expected_records and path.exists():
        with open(path, "rb") as stream:  # not decoded: only each line's start is read
            last = ""
            for doc_id in map(line_doc_id, stream):
                if doc_id is not None and doc_id > last:
                    last = doc_id
                    if doc_id in expected_records:
                        present.add(doc_id)
    present |= set(_previous_errors(output_dir, {d for d, s in reused.items() if s.outcome == "error"}))
    return present


def _state(item: InputFile, outcome: Prepared) -> DocumentState:
    if isinstance(outcome, PreparedRecord):
        return DocumentState(
            source=item.source, sha256=outcome.sha256, size=item.size, mtime_ns=item.mtime_ns,
            outcome="record", language=outcome.language, found=list(outcome.found),
        )
    return DocumentState(
        source=item.source, sha256=_sha256_or_empty(item.path), size=item.size, mtime_ns=item.mtime_ns, outcome="error"
    )


def _sha256_or_empty(path: Path) -> str:
    try:
        return _sha256(path)
    except OSError:
        return ""


def _duplicate_error(item: InputFile) -> ErrorEntry:
    message = f"another input file already has the document id {item.doc_id!r}; rename one of them"
    return ErrorEntry(doc_id=item.doc_id, source=item.source, stage="ingest", message=message)


def run(
    input_dir: Path | str,
    output_dir: Path | str,
    progress: Progress | None = None,
    options: RunOptions = RunOptions(),
    pending: frozenset[str] = frozenset(),
) -> RunSummary:
    """Process ``input_dir`` into ``output_dir``: new and changed documents only, unless forced."""
    input_path, output_path = Path(input_dir), Path(output_dir)
    plan = plan_run(input_path, output_path, options.force, pending)
    plan.to_process.sort(key=lambda item: item.doc_id)
    summary = RunSummary(
        documents=len(plan.inputs) + len(plan.duplicates), processed=len(plan.to_process),
        skipped=len(plan.reused), removed=len(plan.removed),
    )
    nothing_changed = (
        not plan.to_process and not plan.removed and not plan.duplicates and (output_path / MANIFEST_JSON).exists()
    )
    if nothing_changed:
        # the outputs are already those of this input: nothing to read, nothing to write
        _count_states(summary, plan.reused)
        return summary
    missing = sorted(set(plan.reused) - _available_previous(output_path, plan.reused))
    if missing:
        # previous outputs are incomplete (edited or deleted by hand): process those documents again
        by_id = {item.doc_id: item for item in plan.inputs}
        plan.to_process.extend(by_id[doc_id] for doc_id in missing if doc_id in by_id)
        plan.to_process.sort(key=lambda item: item.doc_id)
        for doc_id in missing:
            plan.reused.pop(doc_id)
        summary.processed, summary.skipped = len(plan.to_process), len(plan.reused)
    states, again = _write_run(plan, input_path, output_path, options, progress)
    summary.processed, summary.skipped = summary.processed + again, summary.skipped - again
    _count_states(summary, states)
    summary.errors += len(plan.duplicates)
    if summary.errors:
        logger.warning(
            "%d of %d documents could not be processed; see %s", summary.errors, summary.documents, output_path / ERRORS_JSONL
        )
    return summary


def _reused_record(previous: PreviousOutputs, doc_id: str) -> PreparedRecord | None:
    """An unchanged record's outputs: copied from the previous ones, or, where they cannot be, made
    again from its records.jsonl line; None if that line is not there or not a valid record."""
    found = previous.take(doc_id)
    if found is None:
        return None
    copied = found.copied
    if copied is not None:
        return PreparedRecord(copied.output, copied.report, copied.head["sha256"], copied.head["language"], copied.report.found)
    try:
        return prepare_record(Record.model_validate_json(found.line))
    except ValueError:  # ValidationError too
        return None


def _processed_again(item: InputFile | None, input_path: Path, options: RunOptions) -> Prepared | None:
    """A reused document processed here after all (its previous record is cut short or not valid);
    None for a file still being written: it waits for a later run."""
    return _process_item((item.path, input_path, options.limits)) if item is not None else None


def _write_run(
    plan: Plan, input_path: Path, output_path: Path, options: RunOptions, progress: Progress | None
) -> tuple[dict[str, DocumentState], int]:
    """Stream every document's outcome, in doc_id order, into a staged output folder and publish it;
    return the documents' states and how many reused ones had to be processed again after all.

    Reused records are copied from the previous outputs as the merge reaches them and new ones are
    written as they arrive, so memory does not grow with the number of documents.
    """
    states: dict[str, DocumentState] = dict(plan.reused)
    reused_records = {d for d, s in plan.reused.items() if s.outcome == "record"}
    reused_errors = _previous_errors(output_path, {d for d, s in plan.reused.items() if s.outcome == "error"})
    produced = _outcomes(plan.to_process, input_path, options)
    fresh = iter(progress(produced) if progress else produced)
    to_process = iter(plan.to_process)
    inputs = {item.doc_id: item for item in plan.inputs}
    again = 0
    with staged_folder(output_path) as staging:
        writer, report = OutputWriter(staging), ReportBuilder()
        with PreviousOutputs(output_path, reused_records) as previous:
            for doc_id in sorted({item.doc_id for item in plan.to_process} | set(plan.reused)):
                outcome: Prepared | None
                if doc_id in reused_errors:
                    outcome = reused_errors[doc_id]
                elif doc_id in reused_records:
                    outcome = _reused_record(previous, doc_id)
                    if outcome is None:
                        outcome = _processed_again(inputs.get(doc_id), input_path, options)
                        if outcome is None:
                            del states[doc_id]
                            continue
                        states[doc_id] = _state(inputs[doc_id], outcome)
                        again += 1
                else:
                    item, outcome = next(to_process), next(fresh)
                    states[doc_id] = _state(item, outcome)
                if isinstance(outcome, PreparedRecord):
                    writer.add_output(outcome.output)
                    report.add_entry(outcome.report)
                else:
                    writer.add_error(outcome)
        for duplicate in plan.duplicates:
            writer.add_error(_duplicate_error(duplicate))
        writer.close()
        with open(staging / REPORT_HTML, "wb") as stream:
            report.write_binary(stream)
        atomic_write_text(staging / MANIFEST_JSON, render_manifest(states))
    return states, again


def _count_states(summary: RunSummary, states: dict[str, DocumentState]) -> None:
    for state in states.values():
        if state.outcome == "error":
            summary.errors += 1
            continue
        summary.records += 1
        summary.languages[state.language or "und"] += 1
        for name in state.found:
            summary.coverage[name] += 1


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
