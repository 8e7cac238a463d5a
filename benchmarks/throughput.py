"""Throughput of the pipeline on a generated corpus, and two comparisons with general-purpose libraries.

    .venv/bin/python benchmarks/throughput.py [--docs N] [--repeats R]

Builds N varied documents (see ``benchmarks/corpus.py``) in a temporary folder and runs
``pipeline.runner.run`` on them. Every measurement runs in a fresh process, so peak memory and timings
of one do not leak into the next. Prints:

- documents/s and MB/s per core of a full run (read, normalise, detect, split, extract, validate, write),
  the start-up cost (imports, data files, models) apart: the median of R runs, with their range (a shared
  machine's speed drifts by a fifth from one minute to the next);
- peak resident memory of the run;
- the time of a re-run on unchanged input (when ``run`` takes ``force``), and of one with one new document;
- the speed-up of 2 workers over 1 (when ``run`` takes ``workers``), from R runs of each, alternating;
- how the run time grows from N to 4N documents (linear: 4.0), and the time per document in each quarter
  of the 4N run (flat when it is linear);
- dates: ``dateparser.search.search_dates`` against ``pipeline.extract.dates.extract_dates``, and
  languages: ``langdetect`` against ``pipeline.language.detect_document``: speed on corpus texts, and
  quality on a gold set (date F1, language accuracy).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import inspect
import json
import multiprocessing
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
for _path in (str(PROJECT), str(BENCHMARKS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from corpus import GOLD_DIR, RAW_DIR, build_corpus, load_sources  # noqa: E402

DATEPARSER_LANGUAGES = ["cs", "sk", "en"]
# Texts through every stage before timing: they load the data files, spaCy's tokenizer, lingua (the
# Slovak sentence has too few function words to decide alone) and langdetect (the German one).
WARM_UP_TEXTS = (
    "Projekt\n\nProjekt se zaměřuje na integraci cizinců, kteří žijí v České republice již několik let. "
    "Nadace Partnerství z.s. získala 8 442 € dne 21. 9. 2021 v Praze.\n",
    "Projekt\n\nProjekt bol podporený z Fondu pre mimovládne organizácie.\n",
    "Projekt\n\nDies ist ein deutscher Text über die Integration von Migranten in Bayern und in der Stadt.\n",
)
MB = 1_000_000
DOCUMENT_PATH_DOCS = 1000  # documents for the per-document path alone


# --- measurements, each in its own process ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunMeasurement:
    documents: int
    startup_s: float  # imports and first document
    wall_s: float
    cpu_s: float  # this process and its finished children
    peak_rss_kib: int
    children_peak_rss_kib: int
    rerun_wall_s: float | None
    errors: int
    quarters_ms: tuple[float, ...] = ()  # wall ms per document in each quarter of the documents, in order


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measure_run(
    input_dir: str, output_dir: str, call: dict[str, Any], rerun_call: dict[str, Any] | None
) -> RunMeasurement:
    """One run of ``run(input_dir, output_dir, **call)``, then one with ``rerun_call`` on the same folders."""
    started = time.perf_counter()
    from pipeline import extract_text
    from pipeline.runner import run

    for text in WARM_UP_TEXTS:
        extract_text(text)
    startup = time.perf_counter() - started
    cpu_before = _cpu_seconds()
    clock = QuarterClock(len(list(Path(input_dir).glob("*.txt"))))
    if "progress" in inspect.signature(run).parameters:
        call = {**call, "progress": clock.watch}
    started = time.perf_counter()
    summary = run(input_dir, output_dir, **call)
    wall = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    rerun_wall = None
    if rerun_call is not None:
        started = time.perf_counter()
        run(input_dir, output_dir, **rerun_call)
        rerun_wall = time.perf_counter() - started
    return RunMeasurement(
        documents=summary.documents,
        startup_s=startup,
        wall_s=wall,
        cpu_s=cpu,
        peak_rss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        children_peak_rss_kib=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        rerun_wall_s=rerun_wall,
        errors=summary.errors,
        quarters_ms=clock.per_document_ms(),
    )


class QuarterClock:
    """Times the documents of a run as they come out, a quarter of them at a time: within one run the
    machine's drift weighs little, so a time per document that grows along the run shows here."""

    def __init__(self, documents: int) -> None:
        self.marks = [round(documents * quarter / 4) for quarter in range(1, 5)] if documents >= 4 else []
        self.times: list[float] = []

    def watch(self, outcomes: Any) -> Any:
        self.times = [time.perf_counter()]
        marks = iter(self.marks)
        mark = next(marks, None)
        for count, outcome in enumerate(outcomes, 1):
            if count == mark:
                self.times.append(time.perf_counter())
                mark = next(marks, None)
            yield outcome

    def per_document_ms(self) -> tuple[float, ...]:
        if len(self.times) != len(self.marks) + 1 or not self.marks:
            return ()
        sizes = [later - earlier for earlier, later in zip([0, *self.marks], self.marks)]
        spans = [later - earlier for earlier, later in zip(self.times, self.times[1:])]
        return tuple(1000 * span / size for span, size in zip(spans, sizes))


def _measure_one_more(input_dir: str, output_dir: str, call: dict[str, Any], new_document: str) -> tuple[float, int]:
    """(seconds, documents processed) of a run after ``new_document`` is added to a processed folder."""
    from pipeline import extract_text
    from pipeline.runner import run

    for text in WARM_UP_TEXTS:
        extract_text(text)
    (Path(input_dir) / "zz_one_more.txt").write_text(new_document, encoding="utf-8")
    started = time.perf_counter()
    summary = run(input_dir, output_dir, **call)
    return time.perf_counter() - started, summary.processed


def _measure_documents(input_dir: str, count: int) -> tuple[int, float, int]:
    """(documents, cpu seconds, bytes) of the per-document path alone: file to validated record, no outputs."""
    from pipeline import extract_text
    from pipeline.runner import process_path

    for text in WARM_UP_TEXTS:
        extract_text(text)
    folder = Path(input_dir)
    paths = sorted(folder.glob("*.txt"))[:count]
    started = _cpu_seconds()
    for path in paths:
        process_path(path, folder)
    return len(paths), _cpu_seconds() - started, sum(path.stat().st_size for path in paths)


def _child_main(connection: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        connection.send(("ok", function(*args)))
    except BaseException as exc:  # reported by the parent
        connection.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


def in_fresh_process(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a new interpreter (spawned, not forked: nothing of this one is inherited)."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, function, args))
    process.start()
    sender.close()
    status, value = receiver.recv()
    process.join()
    if status != "ok":
        raise RuntimeError(f"{function.__name__} failed in its process: {value}")
    return value


# --- dateparser and langdetect against the pipeline -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    texts: int
    pipeline_dates_ms: float
    dateparser_ms: float | None  # None: dateparser is not installed
    pipeline_language_ms: float
    langdetect_ms: float
    gold_documents: int
    pipeline_date_counts: tuple[int, int, int]  # true positives, false positives, false negatives
    dateparser_date_counts: tuple[int, int, int] | None
    pipeline_language_correct: int
    langdetect_correct: int


def _per_text_ms(function: Callable[[str], Any], texts: Sequence[str]) -> float:
    """CPU milliseconds per text (CPU time: other processes on the machine do not count)."""
    function(texts[0])  # first call loads models and data
    started = time.process_time()
    for text in texts:
        function(text)
    return (time.process_time() - started) * 1000 / len(texts)


def _search_dates(text: str) -> object:
    from dateparser.search import search_dates

    return search_dates(text, languages=DATEPARSER_LANGUAGES)


def _dateparser_values(text: str) -> set[str]:
    """Dates ``search_dates`` finds, at the precision the text gives (the contract's form: no bare years)."""
    from dateparser.date import DateDataParser
    from dateparser.search import search_dates

    parser = DateDataParser(languages=DATEPARSER_LANGUAGES)
    values: set[str] = set()
    for phrase, _ in search_dates(text, languages=DATEPARSER_LANGUAGES) or []:
        data = parser.get_date_data(phrase)
        parts = set(data.parts or ())
        if data.date_obj is None or "year" not in parts or "month" not in parts:
            continue
        values.add(data.date_obj.strftime("%Y-%m-%d" if "day" in parts else "%Y-%m"))
    return values


def _counts(predicted: set[str], gold: set[str]) -> tuple[int, int, int]:
    return len(predicted & gold), len(predicted - gold), len(gold - predicted)


def _langdetect(text: str) -> str:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    try:
        return detect(text).split("-")[0]
    except LangDetectException:
        return "und"


def _compare(corpus_dir: str, count: int, gold_dir: str, gold_texts_dir: str) -> Comparison:
    with_dateparser = importlib.util.find_spec("dateparser") is not None
    from pipeline.extract.dates import extract_dates
    from pipeline.ingest import read_document
    from pipeline.language import detect_document
    from pipeline.normalise import normalise

    paths = sorted(Path(corpus_dir).glob("*.txt"))[:count]
    texts = [normalise(read_document(path, Path(corpus_dir)).text).text for path in paths]
    languages = {text: detect_document(text) for text in texts}
    pipeline_dates = _per_text_ms(lambda text: extract_dates(text, languages[text]), texts)
    dateparser = _per_text_ms(_search_dates, texts) if with_dateparser else None
    pipeline_language = _per_text_ms(detect_document, texts)
    langdetect = _per_text_ms(_langdetect, texts)

    ours, theirs = [0, 0, 0], [0, 0, 0]
    ours_right = theirs_right = documents = 0
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        source = Path(gold_texts_dir) / f"{gold_path.stem}.txt"
        if not source.exists():
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = normalise(read_document(source, source.parent).text).text
        language = detect_document(text)
        documents += 1
        expected = set(gold.get("dates") or [])
        found_by = [(ours, {d.value for d in extract_dates(text, language)})]
        if with_dateparser:
            found_by.append((theirs, _dateparser_values(text)))
        for total, found in found_by:
            for index, value in enumerate(_counts(found, expected)):
                total[index] += value
        ours_right += language == gold.get("language")
        theirs_right += _langdetect(text) == gold.get("language")
    return Comparison(
        texts=len(texts),
        pipeline_dates_ms=pipeline_dates,
        dateparser_ms=dateparser,
        pipeline_language_ms=pipeline_language,
        langdetect_ms=langdetect,
        gold_documents=documents,
        pipeline_date_counts=(ours[0], ours[1], ours[2]),
        dateparser_date_counts=(theirs[0], theirs[1], theirs[2]) if with_dateparser else None,
        pipeline_language_correct=ours_right,
        langdetect_correct=theirs_right,
    )


# --- report ----------------------------------------------------------------------------------------


def _f1(counts: tuple[int, int, int]) -> str:
    tp, fp, fn = counts
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f"P {precision:.2f}  R {recall:.2f}  F1 {f1:.2f}"


def _mb(kib: int) -> str:
    return f"{kib / 1024:.0f} MB"


def _line(label: str, value: str) -> None:
    print(f"{label:<26} {value}", flush=True)


def run_call(**settings: Any) -> dict[str, Any] | None:
    """Keyword arguments that make ``run`` use ``settings`` (``force``, ``workers``), or None when it cannot.

    ``run`` may take them as parameters of its own or as fields of an ``options`` dataclass.
    """
    from pipeline.runner import run

    parameters = inspect.signature(run).parameters
    if all(name in parameters for name in settings):
        return dict(settings)
    options = parameters.get("options")
    default = options.default if options is not None else None
    if default is not None and dataclasses.is_dataclass(default) and not isinstance(default, type):
        if set(settings) <= {f.name for f in dataclasses.fields(default)}:
            return {"options": dataclasses.replace(default, **settings)}
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=5000, help="corpus size N (default 5000); growth is measured on 4N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compare-docs", type=int, default=100, help="corpus texts for the library comparisons")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR, help="gold files for date F1 and language accuracy")
    parser.add_argument("--gold-texts", type=Path, default=RAW_DIR, help="the documents of the gold files")
    parser.add_argument("--repeats", type=int, default=3, help="runs on N documents with 1 and with 2 workers, "
                        "alternating; the medians are reported (default 3)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (corpora and outputs)")
    args = parser.parse_args(argv)
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")

    workdir = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        return _benchmark(args, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _benchmark(args: argparse.Namespace, workdir: Path) -> int:
    n = args.docs
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    interpreter = os.path.realpath(sys.executable)  # its build matters as much as its version
    _line("machine", f"Python {sys.version.split()[0]} ({interpreter}), {os.cpu_count()} cores, load average {load} "
          "(wall times and the worker speed-up depend on it; per-core figures much less)")
    started = time.perf_counter()
    sources = load_sources()
    small = build_corpus(workdir / "corpus_n", n, args.seed, sources)
    large = build_corpus(workdir / "corpus_4n", 4 * n, args.seed, sources)
    languages = ", ".join(f"{code} {count}" for code, count in small.languages.items())
    _line("corpus", f"{n} documents, {small.total_bytes / MB:.1f} MB ({languages}); "
          f"4N: {large.total_bytes / MB:.1f} MB; built in {time.perf_counter() - started:.1f} s")

    first_run = run_call(workers=1, force=True) or run_call(force=True) or run_call(workers=1) or {}
    rerun = run_call(workers=1, force=False) or run_call(force=False)
    singles, doubles = _paired_runs(workdir, first_run, rerun, args.repeats)
    single = _median_run(singles)
    _report_single_worker(singles, small.total_bytes, workdir / "corpus_n")
    _report_two_workers(singles, doubles)
    if rerun is not None:
        one_more = (RAW_DIR / "seed_001.txt").read_text(encoding="utf-8")
        seconds, processed = in_fresh_process(
            _measure_one_more, str(workdir / "corpus_n"), str(workdir / "out_n"), rerun, one_more
        )
        _line("one new document", f"{seconds:.2f} s to add it to the {n} processed ({processed} processed, the "
              "others' outputs copied)")
    grown = in_fresh_process(_measure_run, str(workdir / "corpus_4n"), str(workdir / "out_4n"), first_run, None)
    _line("growth N -> 4N", f"{grown.wall_s / single.wall_s:.2f} (linear 4.00): {n} docs {single.wall_s:.1f} s, "
          f"{4 * n} docs {grown.wall_s:.1f} s; peak RSS {_mb(grown.peak_rss_kib)}")
    if grown.quarters_ms:
        _line("", "within the 4N run, ms per document by quarter: " + ", ".join(f"{ms:.2f}" for ms in grown.quarters_ms))
    corpus = str(workdir / "corpus_n")
    compared = in_fresh_process(_compare, corpus, args.compare_docs, str(args.gold), str(args.gold_texts))
    _print_comparison(compared, args.gold)
    return 0


def _paired_runs(
    workdir: Path, first_run: dict[str, Any], rerun: dict[str, Any] | None, repeats: int
) -> tuple[list[RunMeasurement], list[RunMeasurement]]:
    """``repeats`` runs on N documents with 1 worker and as many with 2, alternating, so a slow spell of the
    machine weighs on both sides alike. The first single-worker run is followed by the no-change re-run."""
    two_workers = run_call(workers=2, force=True) or run_call(workers=2)
    corpus = str(workdir / "corpus_n")
    singles: list[RunMeasurement] = []
    doubles: list[RunMeasurement] = []
    for index in range(repeats):
        singles.append(in_fresh_process(_measure_run, corpus, str(workdir / "out_n"), first_run, rerun if index == 0 else None))
        if two_workers is not None:
            doubles.append(in_fresh_process(_measure_run, corpus, str(workdir / "out_n_2w"), two_workers, None))
    return singles, doubles


def _median_run(runs: Sequence[RunMeasurement]) -> RunMeasurement:
    """The run of median wall time (the lower middle one of an even number)."""
    return sorted(runs, key=lambda run: run.wall_s)[(len(runs) - 1) // 2]


def _spread(values: Sequence[float], unit: str, digits: int = 0) -> str:
    """The median, and the range when there is more than one value."""
    ordered = sorted(values)
    median = statistics.median(ordered)
    if len(ordered) == 1:
        return f"{median:.{digits}f}{unit}"
    return f"{median:.{digits}f}{unit} (range {ordered[0]:.{digits}f}-{ordered[-1]:.{digits}f}, {len(ordered)} runs)"


def _report_single_worker(singles: Sequence[RunMeasurement], corpus_bytes: int, corpus: Path) -> None:
    single = _median_run(singles)
    per_core = [run.documents / run.cpu_s for run in singles]
    wall_rate = single.documents / single.wall_s
    _line("run, 1 worker", f"{single.documents} docs in {single.wall_s:.1f} s: {wall_rate:.0f} docs/s; "
          f"per core {_spread(per_core, ' docs/s')}, {corpus_bytes / MB / single.cpu_s:.2f} MB/s "
          f"(cpu {single.cpu_s:.1f} s); start-up {single.startup_s:.1f} s")
    if single.errors:
        _line("", f"{single.errors} documents failed (see errors.jsonl)")
    count = len(list(corpus.glob("*.txt")))
    documents, cpu, size = in_fresh_process(_measure_documents, str(corpus), min(count, DOCUMENT_PATH_DOCS))
    docs_per_cpu_s = single.documents / single.cpu_s
    outputs_share = max(0.0, 1 - docs_per_cpu_s / (documents / cpu))
    _line("per-document path", f"{documents / cpu:.0f} docs/s, {size / MB / cpu:.2f} MB/s per core (file to record, "
          f"no outputs; {documents} docs): writing the outputs and the report takes {outputs_share:.0%} of a run")
    children = f", largest worker {_mb(single.children_peak_rss_kib)}" if single.children_peak_rss_kib else ""
    _line("peak RSS", f"{_mb(max(run.peak_rss_kib for run in singles))}{children}")
    rerun_wall_s = singles[0].rerun_wall_s
    if rerun_wall_s is None:
        _line("no-change re-run", "n/a (run() takes no force)")
    else:
        faster = singles[0].wall_s / max(rerun_wall_s, 1e-9)
        _line("no-change re-run", f"{rerun_wall_s:.2f} s ({faster:.0f}x faster than the first run)")


def _report_two_workers(singles: Sequence[RunMeasurement], doubles: Sequence[RunMeasurement]) -> None:
    if not doubles:
        _line("2 workers over 1", "n/a (run() takes no workers)")
        return
    single, double = _median_run(singles), _median_run(doubles)
    pairs = [one.wall_s / two.wall_s for one, two in zip(singles, doubles)]
    children = f", largest worker {_mb(double.children_peak_rss_kib)}" if double.children_peak_rss_kib else ""
    _line("2 workers over 1", f"{single.wall_s / double.wall_s:.2f}x from the medians ({double.wall_s:.1f} s against "
          f"{single.wall_s:.1f} s; peak RSS {_mb(double.peak_rss_kib)}{children})")
    if len(pairs) > 1:
        _line("", "run by run: " + ", ".join(f"{pair:.2f}x" for pair in pairs))


def _print_comparison(result: Comparison, gold_dir: Path) -> None:
    if result.dateparser_ms is None or result.dateparser_date_counts is None:
        _line("dates", f"extract_dates {result.pipeline_dates_ms:.2f} ms/doc; dateparser n/a (not installed: "
              "pip install 'dateparser>=1.2,<2')")
        _line("", f"on {gold_dir} ({result.gold_documents} docs): extract_dates {_f1(result.pipeline_date_counts)}")
    else:
        dates_ratio = result.dateparser_ms / result.pipeline_dates_ms
        _line("dates", f"extract_dates {result.pipeline_dates_ms:.2f} ms/doc, dateparser.search_dates "
              f"{result.dateparser_ms:.2f} ms/doc ({dates_ratio:.0f}x slower) on {result.texts} corpus texts")
        _line("", f"on {gold_dir} ({result.gold_documents} docs): extract_dates {_f1(result.pipeline_date_counts)}; "
              f"dateparser {_f1(result.dateparser_date_counts)}")
    language_ratio = result.langdetect_ms / result.pipeline_language_ms
    _line("language", f"detect_document {result.pipeline_language_ms:.2f} ms/doc, langdetect "
          f"{result.langdetect_ms:.2f} ms/doc ({language_ratio:.1f}x slower) on {result.texts} corpus texts")
    _line("", f"accuracy on {gold_dir}: detect_document {result.pipeline_language_correct}/{result.gold_documents}, "
          f"langdetect {result.langdetect_correct}/{result.gold_documents}")


if __name__ == "__main__":
    sys.exit(main())
