"""Where one document's time goes: CPU milliseconds per document for every stage, on a generated corpus.

    .venv/bin/python benchmarks/stages.py [--docs N]

Builds N varied documents (see ``benchmarks/corpus.py``), warms every stage up, then runs each document
through the stages one at a time, as ``pipeline.process`` and ``pipeline.runner`` chain them, timing each
with the process's CPU clock (other processes on the machine do not count). Prints the stages sorted by
their cost, with their share of the per-document total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

BENCHMARKS = Path(__file__).resolve().parent
PROJECT = BENCHMARKS.parent
for _path in (str(PROJECT), str(BENCHMARKS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from corpus import build_corpus  # noqa: E402

Result = TypeVar("Result")


class StageClock:
    """CPU seconds spent in each named stage, over all documents."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def time(self, stage: str, function: Callable[..., Result], *args: Any) -> Result:
        started = time.process_time()
        result = function(*args)
        self.seconds[stage] += time.process_time() - started
        return result


def time_stages(paths: Sequence[Path], folder: Path) -> StageClock:
    """Every stage of every document in ``paths``, timed."""
    from pipeline import process, resolve
    from pipeline.extract.organisations import find_mentions, group_entities
    from pipeline.extract.parties import assign_roles
    from pipeline.ingest import read_document
    from pipeline.language import TextScores, document_language
    from pipeline.normalise import normalise
    from pipeline.runner import prepare_record
    from pipeline.split import split

    clock = StageClock()
    for path in paths:
        document = clock.time("read and decode", read_document, path, folder)
        text = clock.time("normalise", normalise, document.text).text
        counted = clock.time("language counts", TextScores, text)
        language = clock.time("document language", document_language, counted)
        segments = clock.time("split (blocks, sentences, their languages)", split, text, language, counted)
        mentions = clock.time("organisations: names", find_mentions, text, language)
        entities = clock.time("organisations: grouping", group_entities, text, mentions)
        found = resolve.Candidates(
            amounts=clock.time("amounts", process.extract_amounts, text, language),
            dates=clock.time("dates", process.extract_dates, text, language),
            countries=clock.time("countries", process.extract_countries, text, language),
            programmes=clock.time("funding programmes", process.extract_programmes, text, language),
            project_codes=clock.time("project codes", process.extract_project_codes, text, language),
            emails=clock.time("e-mails and URLs", process.extract_emails, text),
            urls=clock.time("e-mails and URLs", process.extract_urls, text),
            contacts=clock.time("contact persons", process.extract_contact_persons, text, language),
            target_groups=clock.time("target groups", process.extract_target_groups, text, language),
            organisation_mentions=mentions,
            entities=entities,
            parties=clock.time("organisations: party roles", assign_roles, text, segments, mentions, entities),
        )
        record = clock.time(
            "resolve, build and validate the record", process.record_from_candidates,
            found, document.doc_id, document.source, document.sha256, text, language, segments,
        )
        clock.time("outputs: JSON, CSV rows, review-page section", prepare_record, record)
    return clock


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, help="time the .txt files of this folder instead (comparable runs)")
    args = parser.parse_args(argv)
    if args.docs < 1:
        parser.error("--docs must be at least 1")
    from pipeline import extract_text
    from pipeline.runner import _warm_up

    with tempfile.TemporaryDirectory(prefix="pipeline-stages-") as workdir:
        folder = args.corpus or Path(workdir)
        if args.corpus is None:
            build_corpus(folder, args.docs, args.seed)
        _warm_up()
        extract_text("Projekt\n\nDies ist ein deutscher Text über die Integration von Migranten in Bayern.\n")
        paths = sorted(folder.glob("*.txt"))[: args.docs]
        clock = time_stages(paths, folder)
        size = sum(path.stat().st_size for path in paths)
    total = sum(clock.seconds.values())
    print(f"{len(paths)} documents, {size / len(paths) / 1000:.1f} KB on average; CPU ms per document by stage:")
    for stage, seconds in sorted(clock.seconds.items(), key=lambda item: -item[1]):
        print(f"  {stage:<48} {1000 * seconds / len(paths):6.3f}  {seconds / total:5.1%}")
    print(f"  {'total':<48} {1000 * total / len(paths):6.3f}  ({len(paths) / total:.0f} documents/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
