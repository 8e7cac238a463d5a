"""Incremental runs, worker processes, limits, duplicates and folder-level atomic outputs."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.manifest import MANIFEST_JSON
from pipeline.write import RECORDS_JSONL
from pipeline.runner import Limits, RunOptions, run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    shutil.copytree(ROOT / "raw", folder)
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_second_run_skips_everything_and_writes_nothing(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run(inputs, out)
    assert (first.processed, first.skipped, first.records) == (5, 0, 5)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    second = run(inputs, out)
    assert (second.processed, second.skipped, second.removed, second.records) == (0, 5, 0, 5)
    assert second.coverage == first.coverage and second.languages == first.languages
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_incremental_outputs_equal_a_full_run(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    (inputs / "seed_003.txt").unlink()
    with open(inputs / "seed_001.txt", "a", encoding="utf-8") as stream:
        stream.write("\nThe final conference took place in Bratislava on 5 May 2020.\n")
    (inputs / "new.txt").write_text("Karta\n\nŽiadateľ: Nadácia Pontis\nVýška grantu: 10 000 €\n", encoding="utf-8")
    os.utime(inputs / "seed_002.txt")  # touched, not changed
    summary = run(inputs, out)
    assert (summary.processed, summary.skipped, summary.removed) == (2, 3, 1)
    full = tmp_path / "full"
    run(inputs, full, options=RunOptions(force=True))
    assert snapshot(out) == snapshot(full)


def test_changed_rules_reprocess_everything(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    manifest = json.loads((out / MANIFEST_JSON).read_text(encoding="utf-8"))
    manifest["rules"] = "0" * 64
    (out / MANIFEST_JSON).write_text(json.dumps(manifest), encoding="utf-8")
    assert run(inputs, out).processed == 5
    assert run(inputs, out, options=RunOptions(force=True)).processed == 5


@pytest.mark.parametrize("forked", [True, False], ids=["forked", "fork-server"])
def test_two_workers_give_the_same_outputs(inputs: Path, tmp_path: Path, forked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.runner as runner

    if forked and not runner._can_fork():
        pytest.skip("workers cannot be forked here")
    started: list[str] = []
    for name in ("_forked_outcomes", "_fork_server_context"):
        original = getattr(runner, name)
        monkeypatch.setattr(runner, name, lambda *args, _original=original, _name=name: started.append(_name) or _original(*args))
    monkeypatch.setattr(runner, "_can_fork", lambda: forked)
    run(inputs, tmp_path / "one", options=RunOptions(workers=1))
    run(inputs, tmp_path / "two", options=RunOptions(workers=2))
    assert started == ["_forked_outcomes" if forked else "_fork_server_context"]
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")


def test_workers_are_not_forked_while_another_thread_runs() -> None:
    import threading

    from pipeline.runner import _can_fork

    if not _can_fork():
        pytest.skip("workers cannot be forked here")
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not _can_fork()
    finally:
        release.set()
        thread.join()
    assert _can_fork()


_CLI_WITH_PROGRESS = """
import sys
import pipeline.runner as runner
from pipeline import cli

def refuse():
    raise SystemExit("workers started from a fork server")

runner._fork_server_context = refuse
sys.exit(cli.main(["run", "--input", sys.argv[1], "--output", sys.argv[2], "--workers", "2"]))
"""


def test_the_command_line_with_its_progress_bar_forks_its_workers(inputs: Path, tmp_path: Path) -> None:
    # the progress bar must start no thread of its own, or the workers would load the models again
    from pipeline.runner import _can_fork

    if not _can_fork():
        pytest.skip("workers cannot be forked here")
    done = subprocess.run(
        [sys.executable, "-c", _CLI_WITH_PROGRESS, str(inputs), str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(tmp_path / "out")[RECORDS_JSONL]


def test_a_forked_worker_answers_interrupts_as_a_fresh_process() -> None:
    from pipeline.runner import _start_forked_worker

    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _start_forked_worker()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        signal.signal(signal.SIGINT, saved[0])
        signal.signal(signal.SIGTERM, saved[1])


def test_size_limit_and_duplicate_ids_are_errors(inputs: Path, tmp_path: Path) -> None:
    (inputs / "seed_000.md").write_text("Same id as seed_000.txt\n\nOrganization name: CVEK\n", encoding="utf-8")
    (inputs / "big.txt").write_text("x" * 5000, encoding="utf-8")
    out = tmp_path / "out"
    summary = run(inputs, out, options=RunOptions(limits=Limits(max_bytes=4500)))
    errors = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    by_id = {(e["doc_id"], Path(e["source"]).name): e for e in errors}
    assert "above the limit" in by_id[("big", "big.txt")]["message"]
    # files are read in sorted order: seed_000.md takes the id, seed_000.txt is the duplicate
    assert "already has the document id" in by_id[("seed_000", "seed_000.txt")]["message"]
    assert summary.errors == 2 and summary.records == 5


def test_time_budget_stops_a_slow_document(inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.runner as runner

    def slow(document):  # type: ignore[no-untyped-def]
        time.sleep(5)

    monkeypatch.setattr(runner, "process_document", slow)
    out = tmp_path / "out"
    started = time.monotonic()
    summary = run(inputs, out, options=RunOptions(limits=Limits(seconds=0.2)))
    assert time.monotonic() - started < 4
    errors = (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    assert summary.errors == 5 and all("time budget" in json.loads(e)["message"] for e in errors)


_KILLED_RUN = """
import sys
from pipeline.runner import run
run(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3, 1.8, 2.5])
def test_killed_run_leaves_outputs_before_or_after(inputs: Path, tmp_path: Path, delay: float) -> None:
    out = tmp_path / "out"
    run(inputs, out)
    before = snapshot(out)
    for index in range(15):
        (inputs / f"copy_{index}.txt").write_bytes((inputs / "seed_002.txt").read_bytes().replace(b"CZ03-0097", f"CZ03-{index:04d}".encode()))
    after_dir = tmp_path / "after"
    run(inputs, after_dir, options=RunOptions(force=True))
    after = snapshot(after_dir)
    process = subprocess.Popen([sys.executable, "-c", _KILLED_RUN, str(inputs), str(out)], cwd=ROOT)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert snapshot(out) in (before, after)
    run(inputs, out)
    assert snapshot(out) == after
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_dask_engine_gives_the_same_outputs(inputs: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    run(inputs, tmp_path / "local", options=RunOptions(workers=1))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        options = RunOptions(engine="dask", scheduler=cluster.scheduler_address)
        summary = run(inputs, tmp_path / "dask", options=options)
    assert summary.records == 5
    assert snapshot(tmp_path / "local") == snapshot(tmp_path / "dask")


def test_workers_send_prepared_records_not_records(inputs: Path) -> None:
    import pickle

    from pipeline.models import ErrorEntry, Record
    from pipeline.runner import PreparedRecord, _process_item, process_path
    from pipeline.write import record_output

    path = min(inputs.glob("*.txt"))
    prepared = _process_item((path, inputs, Limits()))
    record = process_path(path, inputs)
    assert isinstance(prepared, PreparedRecord) and isinstance(record, Record)
    assert prepared.output == record_output(record)
    assert (prepared.sha256, prepared.language) == (record.sha256, record.language)
    assert pickle.loads(pickle.dumps(prepared)) == prepared
    (inputs / "empty.txt").write_bytes(b"")
    assert isinstance(_process_item((inputs / "empty.txt", inputs, Limits())), ErrorEntry)


def test_runner_imports_no_extraction_modules_until_a_document_is_processed(inputs: Path) -> None:
    # reading the runner (to plan, or to write with a fork server's workers) costs no second importing spaCy and the extractors
    check = (
        "import sys\n"
        "import pipeline.runner as runner\n"
        "assert 'pipeline.process' not in sys.modules and 'spacy' not in sys.modules, 'imported early'\n"
        f"runner.process_path(runner.Path({str(min(inputs.glob('*.txt')))!r}), runner.Path({str(inputs)!r}))\n"
        "assert 'pipeline.process' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", check], cwd=ROOT, check=True)


def test_a_run_restores_the_garbage_collector(inputs: Path, tmp_path: Path) -> None:
    # a run freezes what the models hold and batches collections; a caller's process gets its settings back
    import gc

    thresholds, frozen = gc.get_threshold(), gc.get_freeze_count()
    for workers in (1, 2):
        summary = run(inputs, tmp_path / "out", options=RunOptions(force=True, workers=workers))
        assert summary.records == 5
        assert gc.get_threshold() == thresholds and gc.get_freeze_count() == frozen


def test_alarm_handler_is_installed_once_per_batch_and_restored(inputs: Path, tmp_path: Path) -> None:
    import signal

    import pipeline.runner as runner

    def own_handler(signum: int, frame: object) -> None:
        raise AssertionError("the run's alarm reached the caller's handler")

    previous = signal.signal(signal.SIGALRM, own_handler)
    installs: list[object] = []
    real_signal = signal.signal

    def counting_signal(signum: int, handler: object) -> object:
        if signum == signal.SIGALRM:
            installs.append(handler)
        return real_signal(signum, handler)  # type: ignore[arg-type]

    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(runner.signal, "signal", counting_signal)
            summary = run(inputs, tmp_path / "out", options=RunOptions(workers=1))
        assert summary.records == 5
        # installed for the batch and restored after it, not twice for every document
        assert installs == [runner._expire, own_handler]
        assert signal.getsignal(signal.SIGALRM) is own_handler
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_time_budget_alone_installs_and_restores_its_handler() -> None:
    import signal

    import pipeline.runner as runner

    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(runner.DocumentTimeout):
        with runner._time_budget(0.05):
            time.sleep(2)
    assert signal.getsignal(signal.SIGALRM) is before


def test_warm_up_builds_the_sentence_tokenizer() -> None:
    # workers forked after the warm-up share the tokenizer instead of each building it on its first document
    import pipeline.runner as runner
    from pipeline import split

    split._nlp.cache_clear()
    runner._warm_up()
    assert split._nlp.cache_info().currsize == 1


def test_warm_up_builds_the_czech_slovak_tie_breaker() -> None:
    import pipeline.runner as runner
    from pipeline import language

    language._lingua_detector.cache_clear()
    runner._warm_up()
    assert language._lingua_detector.cache_info().currsize == 1
