"""CPU instructions per document of the per-document path, counted by callgrind: a figure that does not
move with the load of a shared machine, for comparing two versions of the code.

    .venv/bin/python benchmarks/instructions.py [ROOT ...] [--docs N] [--corpus DIR]

For each project ROOT (default: this one), a child process imports the pipeline from ROOT, loads its
models and runs a few documents uninstrumented; callgrind then counts only the loop over the N documents
after those (file to prepared outputs, as a worker runs them). Needs valgrind (Debian: ``apt install valgrind``).
The corpus is built as in ``throughput.py`` unless ``--corpus`` names a folder of .txt files. String
hashing is seeded, so repeated counts agree to about 0.05%.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
if str(BENCHMARKS) not in sys.path:
    sys.path.insert(0, str(BENCHMARKS))

from corpus import build_corpus  # noqa: E402

WARM_UP_DOCUMENTS = 20
CHILD = r"""
import sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from pipeline.runner import Limits, _process_item, _settle_collector, _warm_up
_warm_up()
_settle_collector()
folder = Path(sys.argv[2])
warm_up, counted = int(sys.argv[4]), int(sys.argv[3])
paths = sorted(folder.glob("*.txt"))
for path in paths[:warm_up]:
    _process_item((path, folder, Limits()))
paths = paths[warm_up : warm_up + counted]
print("ready", flush=True)
sys.stdin.readline()
for path in paths:
    _process_item((path, folder, Limits()))
print("done", flush=True)
sys.stdin.readline()
"""


def _callgrind_control(switch: str, pid: int) -> None:
    subprocess.run(["callgrind_control", "-i", switch, str(pid)], check=True, capture_output=True)


def instructions_per_document(root: Path, corpus: Path, documents: int) -> float:
    """Instructions per document of ``root``'s per-document path over ``documents`` documents of ``corpus``
    (those after the first WARM_UP_DOCUMENTS, which are run uncounted)."""
    available = len(list(corpus.glob("*.txt")))
    if available < WARM_UP_DOCUMENTS + documents:
        raise SystemExit(f"{corpus}: {available} .txt files, {WARM_UP_DOCUMENTS + documents} needed")
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={scratch}/callgrind.out",
            sys.executable, "-c", CHILD, str(root), str(corpus), str(documents), str(WARM_UP_DOCUMENTS),
        ]
        environment = {**os.environ, "PYTHONHASHSEED": "0"}
        child = subprocess.Popen(
            command, cwd=root, env=environment, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert child.stdin is not None and child.stdout is not None
        if child.stdout.readline().strip() != "ready":
            raise RuntimeError(f"{root}: the child did not start: {child.communicate()[1][-2000:]}")
        _callgrind_control("on", child.pid)
        child.stdin.write("\n")
        child.stdin.flush()
        if child.stdout.readline().strip() != "done":
            raise RuntimeError(f"{root}: the child failed: {child.communicate()[1][-2000:]}")
        _callgrind_control("off", child.pid)
        _, errors = child.communicate("\n")
    collected = re.search(r"Collected : (\d+)", errors)
    if collected is None:
        raise RuntimeError(f"{root}: callgrind printed no count")
    return int(collected.group(1)) / documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[PROJECT], help="project folders to compare")
    parser.add_argument("--docs", type=int, default=100, help="documents counted (default 100)")
    parser.add_argument("--corpus", type=Path, help="a folder of .txt documents (default: a generated corpus)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("valgrind is not installed (Debian: apt install valgrind)")
    with tempfile.TemporaryDirectory() as scratch:
        corpus = args.corpus
        if corpus is None:
            corpus = Path(scratch) / "corpus"
            build_corpus(corpus, args.docs + WARM_UP_DOCUMENTS)
        first: float | None = None
        for root in args.roots:
            count = instructions_per_document(root.resolve(), corpus.resolve(), args.docs)
            first = first or count
            print(f"{root}: {count / 1e6:.3f} million instructions per document ({count / first:.3f} of the first)")


if __name__ == "__main__":
    main()
