"""Command line: ``run`` (default) and ``audit``. Parses arguments and calls library functions.

Exit codes: 0 every document produced a valid record (or the audit ran and passed its gate); 1 some
documents failed (their errors are in errors.jsonl), or a field is below its pinned minimum, or a
baseline update would lower a minimum; 2 bad usage or unreadable input (missing folder, bad gold file).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="run_pipeline.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="process a folder of reports into the output folder")
    _add_run_arguments(run)
    run.add_argument("--no-progress", action="store_true", help="do not show a progress bar")
    watch = commands.add_parser("watch", help="process reports as they appear or change, until Ctrl-C")
    _add_run_arguments(watch)
    watch.add_argument("--interval", type=float, default=1.0, help="seconds between looks at the folder (default 1)")
    watch.add_argument("--settle", type=float, default=2.0, help="seconds a file must stay unchanged before it is read (default 2)")
    audit = commands.add_parser("audit", help="score records against gold files")
    audit.add_argument("--gold", type=Path, required=True, help="folder of gold JSON files")
    audit.add_argument("--records", type=Path, default=Path("extracted/records.jsonl"), help="records.jsonl to score")
    audit.add_argument("--json", type=Path, default=None, help="also write the audit as JSON to this file")
    audit.add_argument("--max-findings", type=int, default=None, help="list at most this many misses/false positives")
    audit.add_argument("--html", type=Path, default=None, help="also write the review page (HTML) to this file")
    audit.add_argument("--baseline", type=Path, default=None, help="quality gate: fail when a field is below its minimum here")
    audit.add_argument("--update-baseline", action="store_true", help="raise the minimums in --baseline to the current scores")
    audit.add_argument("--allow-regression", action="store_true", help="with --update-baseline: also lower minimums")
    audit.add_argument("--draft-gold", type=Path, default=None, help="write draft gold files for records without gold into DIR")
    return parser


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    from pipeline.runner import Limits

    defaults = Limits()
    parser.add_argument("--input", type=Path, default=Path("raw"), help="folder of reports (default: raw)")
    parser.add_argument("--output", type=Path, default=Path("extracted"), help="output folder (default: extracted)")
    parser.add_argument("--force", action="store_true", help="process every document, changed or not")
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local", help="where documents are processed")
    parser.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a local cluster)")
    parser.add_argument("--max-bytes", type=int, default=defaults.max_bytes, help="largest input file accepted")
    parser.add_argument("--time-budget", type=float, default=defaults.seconds, help="seconds allowed per document")


def _options(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from pipeline.runner import Limits, RunOptions, default_workers

    workers = args.workers if args.workers is not None else default_workers()
    if workers < 1 or args.max_bytes < 1 or args.time_budget < 0:
        raise ValueError("--workers and --max-bytes must be positive, --time-budget not negative")
    return RunOptions(
        force=args.force, workers=workers, engine=args.engine, scheduler=args.scheduler,
        limits=Limits(max_bytes=args.max_bytes, seconds=args.time_budget),
    )


def _progress(show: bool):  # type: ignore[no-untyped-def]
    if not show:
        return None
    from tqdm import tqdm

    # tqdm's monitor thread only tunes how often a slow bar redraws; with it running, worker processes
    # could not be forked from this process (see pipeline.runner._can_fork) and would load the models again
    tqdm.monitor_interval = 0
    return lambda paths: tqdm(paths, desc="documents", unit="doc", file=sys.stderr, disable=None)


def command_run(args: argparse.Namespace) -> int:
    from pipeline.runner import run

    if not args.input.is_dir():
        print(f"error: input folder not found: {args.input}", file=sys.stderr)
        return EXIT_USAGE
    try:
        options = _options(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    summary = run(args.input, args.output, progress=_progress(not args.no_progress), options=options)
    print(summary.render())
    print(f"outputs in {args.output}")
    return EXIT_OK if summary.ok else EXIT_SOME_FAILED


def command_watch(args: argparse.Namespace) -> int:
    from pipeline.watch import watch

    if not args.input.is_dir():
        print(f"error: input folder not found: {args.input}", file=sys.stderr)
        return EXIT_USAGE
    try:
        options = _options(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"watching {args.input} (Ctrl-C to stop); outputs in {args.output}", flush=True)

    def report(summary) -> None:  # type: ignore[no-untyped-def]
        print(f"processed {summary.processed}, removed {summary.removed}: {summary.records} records, {summary.errors} errors", flush=True)

    batches = watch(args.input, args.output, options, interval=args.interval, settle_seconds=args.settle, on_batch=report)
    print(f"stopped after {batches} batches", flush=True)
    return EXIT_OK


def command_audit(args: argparse.Namespace) -> int:
    from pipeline import audit
    from pipeline.report import render_report
    from pipeline.scoring import GoldError, RecordsError, load_gold, read_records, render_text, score
    from pipeline.write import atomic_write_text

    try:
        gold = load_gold(args.gold)
        records = read_records(args.records)
    except (GoldError, RecordsError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    report = score(records, gold)
    print(render_text(report, max_findings=args.max_findings))
    if args.json is not None:
        atomic_write_text(args.json, report.model_dump_json(indent=2) + "\n")
    if args.html is not None:
        atomic_write_text(args.html, render_report(sorted(records, key=lambda r: r["doc_id"]), report))
        print(f"review page: {args.html}")
    if args.draft_gold is not None:
        for path in audit.write_draft_gold((r for r in records if r["doc_id"] not in gold), args.draft_gold):
            print(f"draft gold: {path}")
    if args.baseline is None:
        if args.update_baseline:
            print("error: --update-baseline needs --baseline FILE", file=sys.stderr)
            return EXIT_USAGE
        return EXIT_OK
    try:
        return _gate(args, report)
    except audit.BaselineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _gate(args: argparse.Namespace, report) -> int:  # type: ignore[no-untyped-def]
    from pipeline import audit

    if args.update_baseline:
        update = audit.update_baseline(report, args.baseline, allow_regression=args.allow_regression)
        for name, (old, new) in sorted(update.raised.items()):
            print(f"raised {name}: {old:.2f} -> {new:.2f}")
        if not update.written:
            lowered = ", ".join(f"{n} {o:.2f} -> {v:.2f}" for n, (o, v) in sorted(update.lowered.items()))
            print(f"error: refusing to lower minimums ({lowered}); pass --allow-regression to accept", file=sys.stderr)
            return EXIT_SOME_FAILED
        for name, (old, new) in sorted(update.lowered.items()):
            print(f"lowered {name}: {old:.2f} -> {new:.2f}")
        return EXIT_OK
    failures = audit.check_gate(report, audit.load_baseline(args.baseline))
    print(audit.render_gate(failures))
    return EXIT_SOME_FAILED if failures else EXIT_OK


# The exit status of a program stopped by SIGPIPE, as a shell reports it (128 + 13).
EXIT_BROKEN_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = _parser().parse_args(argv)
    if args.command is None:
        args = _parser().parse_args(["run", *(argv or [])])
    try:
        if args.command == "audit":
            return command_audit(args)
        if args.command == "watch":
            return command_watch(args)
        return command_run(args)
    except BrokenPipeError:
        # whoever read the summary stopped reading (``| head``): outputs are written as usual, and the
        # interpreter must not fail again flushing the closed stream at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
