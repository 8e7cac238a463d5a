"""Watch mode: process reports as they appear or change, until stopped.

The input folder is polled (portable, no dependency); a file is read only once its size and
modification time have stayed the same for ``settle_seconds``, so a file still being copied is never
read half-way. Each batch is an incremental run, so the outputs are replaced all at once after it.
Ctrl-C or SIGTERM stops the loop after the batch in progress.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.runner import RunOptions, RunSummary, list_inputs, run

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class StabilityTracker:
    """Remembers each file's (size, mtime) and since when it has been unchanged."""

    settle_seconds: float
    seen: dict[str, tuple[int, int, float]] = field(default_factory=dict)

    def unsettled(self, observed: dict[str, tuple[int, int]], now: float) -> frozenset[str]:
        """Sources whose size or modification time changed within the last ``settle_seconds``."""
        waiting: set[str] = set()
        current: dict[str, tuple[int, int, float]] = {}
        for source, (size, mtime_ns) in observed.items():
            before = self.seen.get(source)
            since = before[2] if before is not None and before[:2] == (size, mtime_ns) else now
            current[source] = (size, mtime_ns, since)
            if now - since < self.settle_seconds:
                waiting.add(source)
        self.seen = current
        return frozenset(waiting)


def _observe(input_dir: Path) -> dict[str, tuple[int, int]]:
    inputs, duplicates = list_inputs(input_dir)
    return {item.source: (item.size, item.mtime_ns) for item in [*inputs, *duplicates]}


def watch(
    input_dir: Path,
    output_dir: Path,
    options: RunOptions = RunOptions(),
    interval: float = 1.0,
    settle_seconds: float = 2.0,
    on_batch: Callable[[RunSummary], None] | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Poll ``input_dir`` and run on every change; returns the number of batches that wrote outputs."""
    stop = stop or threading.Event()
    restore = _install_stop_handlers(stop)
    tracker = StabilityTracker(settle_seconds)
    batches = 0
    last_state: dict[str, tuple[int, int]] | None = None
    try:
        while not stop.is_set():
            observed = _observe(input_dir)
            waiting = tracker.unsettled(observed, time.monotonic())
            settled = {source: state for source, state in observed.items() if source not in waiting}
            if settled != last_state:
                summary = run(input_dir, output_dir, options=options, pending=waiting)
                last_state = settled
                if summary.processed or summary.removed:
                    batches += 1
                    if on_batch is not None:
                        on_batch(summary)
            stop.wait(interval)
    finally:
        restore()
    return batches


def _install_stop_handlers(stop: threading.Event) -> Callable[[], None]:
    """SIGINT and SIGTERM set ``stop`` (only possible from the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}

    def request_stop(signum: int, frame: object) -> None:
        logger.info("stopping after the current batch")
        stop.set()

    for sig in previous:
        signal.signal(sig, request_stop)

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
