"""Watch mode: files written into a folder while it runs are processed once they stop growing."""

import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipeline.runner import RunOptions
from pipeline.watch import StabilityTracker, watch

ROOT = Path(__file__).resolve().parent.parent


def test_stability_tracker_waits_for_a_file_to_stop_changing() -> None:
    tracker = StabilityTracker(settle_seconds=2)
    assert tracker.unsettled({"a": (10, 1)}, now=0) == {"a"}
    assert tracker.unsettled({"a": (20, 2)}, now=1) == {"a"}  # still growing
    assert tracker.unsettled({"a": (20, 2)}, now=2.5) == {"a"}
    assert tracker.unsettled({"a": (20, 2)}, now=3.1) == frozenset()


def doc_ids(out: Path) -> list[str]:
    path = out / "records.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["doc_id"] for line in path.read_text(encoding="utf-8").splitlines()]


def wait_for(condition, seconds: float = 20) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_watch_processes_new_changed_and_removed_files(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    stop = threading.Event()
    batches: list[int] = []
    thread = threading.Thread(
        target=lambda: batches.append(
            watch(inputs, out, RunOptions(workers=1), interval=0.1, settle_seconds=0.5, stop=stop)
        )
    )
    thread.start()
    try:
        shutil.copy(ROOT / "raw" / "seed_001.txt", inputs / "a.txt")
        assert wait_for(lambda: doc_ids(out) == ["a"])
        # a file written slowly is not read half-way: its record appears only once it is complete
        partial = inputs / "b.txt"
        content = (ROOT / "raw" / "seed_002.txt").read_bytes()
        with open(partial, "wb") as stream:
            for start in range(0, len(content), 400):
                stream.write(content[start : start + 400])
                stream.flush()
                time.sleep(0.2)
                assert "b" not in doc_ids(out)
        assert wait_for(lambda: doc_ids(out) == ["a", "b"])
        record = json.loads((out / "records.jsonl").read_text(encoding="utf-8").splitlines()[1])
        assert record["project_code"] == "CZ03-0097"  # the end of the file was read
        (inputs / "a.txt").unlink()
        assert wait_for(lambda: doc_ids(out) == ["b"])
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive() and batches and batches[0] >= 3


def test_watch_command_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    command = [sys.executable, str(ROOT / "run_pipeline.py"), "watch", "--input", str(inputs), "--output", str(out),
               "--interval", "0.1", "--settle", "0.3", "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        shutil.copy(ROOT / "raw" / "seed_004.txt", inputs / "c.txt")
        assert wait_for(lambda: doc_ids(out) == ["c"], seconds=30)
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "stopped after 1 batches" in stdout
