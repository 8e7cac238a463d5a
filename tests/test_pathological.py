"""Pathological inputs cost time in proportion to their size, in every stage.

Hostile or broken text (a page of digits, a run of dots, a line of two megabytes, thousands of legal
forms) must not make a stage super-linear. Each case is timed at size n and 4n, through the whole
pipeline (``extract_text``) and through each stage alone, so that a slow stage is named. The check is a
ratio, never a wall-clock bound: linear work gives about 4, quadratic about 16; the bound is 8.

A super-linear stage that cannot be fixed at once goes in ``KNOWN_SUPERLINEAR``, which marks it
``xfail(strict=True)`` with the smallest input that shows it, so the suite stays green and the defect
stays visible (an xfail that starts passing fails the suite: remove its entry then).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from pipeline.extract.amounts import extract_amounts
from pipeline.extract.codes import extract_project_codes
from pipeline.extract.contacts import extract_contact_persons, extract_emails, extract_urls
from pipeline.extract.countries import extract_countries
from pipeline.extract.dates import extract_dates
from pipeline.extract.organisations import find_mentions, group_entities
from pipeline.extract.parties import assign_roles
from pipeline.extract.programmes import extract_programmes
from pipeline.extract.target_groups import extract_target_groups
from pipeline.language import detect_document
from pipeline.normalise import normalise
from pipeline.process import extract_text
from pipeline.split import split

LANGUAGE = "cs"
GROWTH = 4  # the sizes compared: n and GROWTH * n
MAX_RATIO = 8.0  # linear: ~4; quadratic: ~16
REPEATS = 2  # best of: filters out a stray pause
# n is adjusted (doubled or halved, in one direction) until the time at n falls in this window: below
# it timer noise dominates, above it the file would run for minutes.
MIN_MEASURABLE_SECONDS = 0.005
MAX_CALIBRATED_SECONDS = 0.02
MAX_ADJUSTMENTS = 4


# --- cases -----------------------------------------------------------------------------------------

MONTHS = ("ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října",
          "listopadu", "prosince")


# (The texts are built by repeating a block: building them word by word would cost more than timing them.)
CAPITALISED_BLOCK = " ".join(chr(65 + i % 26) + chr(97 + (i // 26) % 26) + chr(97 + i % 26) for i in range(676)) + " "


def capitalised_words(count: int) -> str:
    """ "Aaa Bab Cac ...": ``count`` capitalised words."""
    return (CAPITALISED_BLOCK * (count // 676 + 1))[: 4 * count - 1]


def repeated_words(words: tuple[str, ...], count: int, separator: str) -> str:
    """``count`` words taken in turn from ``words``."""
    block = separator.join(words) + separator
    whole, rest = divmod(count, len(words))
    return block * whole + separator.join(words[:rest])


def distinct_word(number: int) -> str:
    """A capitalised word of its own for every number: "Ba", "Ca", ..., "Bab", ..."""
    letters = ""
    while True:
        letters += chr(97 + number % 26)
        number //= 26
        if not number:
            return "B" + letters


# Each text is the body of a report under a title, so that split reads it as paragraphs and sentences
# (a document's first line is its title).
TITLE = "Report\n\n"


@dataclass(frozen=True)
class Case:
    """A body of size ``n`` (in repeated units) and the n it is timed at (then at GROWTH * n)."""

    body: Callable[[int], str]
    n: int
    stages: tuple[str, ...] | None = None  # the stages it is timed through; None: every stage

    def make(self, n: int) -> str:
        return TITLE + self.body(n)


CASES: dict[str, Case] = {
    "digits": Case(lambda n: repeated_words(tuple("1234567890"), n, " "), 25_000),  # 100,000 digits at 4n
    "dots": Case(lambda n: "." * n, 12_500),
    "numbered": Case(lambda n: "1. " * n, 12_500),
    "letters_line": Case(lambda n: "abcdefghij" * (n // 10), 500_000),  # a 2 MB line at 4n
    "short_lines": Case(lambda n: "ab\n" * n, 25_000),
    "legal_forms": Case(lambda n: "a. s. " * n, 5_000),
    "capitalised_words": Case(capitalised_words, 5_000),
    "euro_signs": Case(lambda n: "€" * n, 12_500),
    "month_names": Case(lambda n: repeated_words(MONTHS, n, " ") + " 2021", 5_000),
    "month_names_dashed": Case(lambda n: repeated_words(MONTHS, n, " – ") + " 2021", 5_000),
    "hyphens": Case(lambda n: "-" * n, 12_500),
    "en_dashes": Case(lambda n: "–" * n, 12_500),
    # Runs of what the extractors look for, on one line and on many, through the stages that read them:
    # each value's context lookup must not read the whole line, or the whole text, before it.
    "amounts_one_line": Case(lambda n: "Grant: 8 442 € " * n, 2_500, ("amounts", "extract_text")),
    "amount_lines": Case(lambda n: "Grant:\n8 442 €\n" * n, 2_500, ("amounts", "extract_text")),
    "dates_one_line": Case(lambda n: "21. 9. 2021 " * n, 2_500, ("dates", "extract_text")),
    "date_lines": Case(lambda n: "Začiatok realizácie:\n21. 9. 2021\n" * n, 2_500, ("dates", "extract_text")),
    "programme_cues": Case(
        lambda n: "funded by EEA Grants and Nadácia Pontis. " * n, 1_000,
        ("programmes", "organisation_mentions", "parties", "extract_text"),
    ),
    "countries_list": Case(lambda n: "Norsko, Island a Lichtenštajnsko, " * n, 2_500, ("countries", "extract_text")),
    "contacts": Case(
        lambda n: "Contact person: Ján Novák, jan@example.org. " * n, 1_000, ("contacts", "emails", "extract_text")
    ),
    "target_group_items": Case(
        lambda n: "Target groups\n" + "• děti,\n" * n, 2_500, ("target_groups", "split", "extract_text")
    ),
    "code_labels": Case(lambda n: "Číslo projektu: CZ03-0097 " * n, 2_500, ("project_codes", "extract_text")),
    "emails": Case(lambda n: "a@b.cz " * n, 5_000, ("emails", "contacts", "extract_text")),
    "url_brackets": Case(lambda n: "www.x.cz/" + "(" * n, 12_500, ("urls", "split", "extract_text")),
    "partner_bullets": Case(
        lambda n: "Project partners:\n" + "• Nadácia Pontis\n" * n, 1_000, ("parties", "extract_text")
    ),
    "distinct_organisations": Case(
        lambda n: " ".join(f"Nadácia {distinct_word(i)}." for i in range(n)), 1_000,
        ("organisation_mentions", "organisation_entities", "extract_text"),
    ),
    "key_value_lines": Case(
        lambda n: "Project promoter: Sdružení pro integraci a migraci, z. s.\n" * n, 1_000,
        ("split", "organisation_mentions", "parties", "extract_text"),
    ),
}


# --- stages ----------------------------------------------------------------------------------------
# Each stage prepares its input untimed and returns the timed call.

Stage = Callable[[str], Callable[[], object]]


def _extractor(extract: Callable[[str, str], object]) -> Stage:
    return lambda text: lambda: extract(text, LANGUAGE)


def _parties(text: str) -> Callable[[], object]:
    segments = split(text, LANGUAGE)
    mentions = find_mentions(text, LANGUAGE)
    entities = group_entities(text, mentions)
    return lambda: assign_roles(text, segments, mentions, entities)


def _entities(text: str) -> Callable[[], object]:
    mentions = find_mentions(text, LANGUAGE)
    return lambda: group_entities(text, mentions)


STAGES: dict[str, Stage] = {
    "normalise": lambda text: lambda: normalise(text),
    "detect_document": lambda text: lambda: detect_document(text),
    "split": lambda text: lambda: split(text, LANGUAGE),
    "amounts": _extractor(extract_amounts),
    "dates": _extractor(extract_dates),
    "countries": _extractor(extract_countries),
    "programmes": _extractor(extract_programmes),
    "project_codes": _extractor(extract_project_codes),
    "emails": lambda text: lambda: extract_emails(text),
    "urls": lambda text: lambda: extract_urls(text),
    "contacts": _extractor(extract_contact_persons),
    "target_groups": _extractor(extract_target_groups),
    "organisation_mentions": _extractor(find_mentions),
    "organisation_entities": _entities,
    "parties": _parties,
    "extract_text": lambda text: lambda: extract_text(text),
}

# Stages prepared with other stages: not timed on a case where one of those is known super-linear, and
# never timed on a larger n than the case's (the preparation would cost far more than the stage).
PREPARED_WITH = {"organisation_entities": ("organisation_mentions",), "parties": ("split", "organisation_mentions")}


# --- known defects ------------------------------------------------------------------------------------
# (case, stage) -> (why, with the smallest input that shows it; the n it is timed at, where the
# quadratic term already dominates), without calibration or a second try. Empty: none known.

KNOWN_SUPERLINEAR: dict[tuple[str, str], tuple[str, int]] = {}


# --- timing ----------------------------------------------------------------------------------------


def best_seconds(stage: Stage, case: Case, n: int) -> float:
    """Best of REPEATS timings of ``stage`` on the case at size ``n``.

    Every timing gets a text of its own (n + a few units, different for each stage and repeat): caches
    keyed on the text (spaCy's tokenizer keeps one per token) would otherwise time only the first run,
    or time one stage on what another stage left in the cache.
    """
    best = float("inf")
    offset = REPEATS * list(STAGES.values()).index(stage)
    for extra in range(REPEATS):
        call = stage(case.make(n + offset + extra))
        # the collector's full passes walk the whole heap (spaCy's included) at moments that have
        # nothing to do with the stage: they would add a constant to one measurement and not the other
        gc.disable()
        try:
            # CPU time of this process: other processes on a busy machine do not count
            started = time.process_time()
            call()
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best


def calibrated(stage: Stage, case: Case, n: int, may_grow: bool) -> tuple[int, float]:
    """n moved (doubled if ``may_grow``, or halved) into the measurable window, and the time at that n."""
    seconds = best_seconds(stage, case, n)
    if seconds < MIN_MEASURABLE_SECONDS and may_grow:
        for _ in range(MAX_ADJUSTMENTS):
            n *= 2
            seconds = best_seconds(stage, case, n)
            if seconds >= MIN_MEASURABLE_SECONDS:
                break
    elif seconds > MAX_CALIBRATED_SECONDS:
        for _ in range(MAX_ADJUSTMENTS):
            n //= 2
            seconds = best_seconds(stage, case, n)
            if seconds <= MAX_CALIBRATED_SECONDS:
                break
    return n, seconds


@dataclass(frozen=True)
class Growth:
    n: int
    small: float  # seconds at n
    large: float  # seconds at GROWTH * n

    @property
    def ratio(self) -> float:
        return self.large / self.small

    @property
    def measurable(self) -> bool:
        """The time at n is above the noise: a stage still faster than that at the largest n tried does
        too little for its growth to be told apart from noise (and too little to matter)."""
        return self.small >= MIN_MEASURABLE_SECONDS


def growth(stage: Stage, case: Case, n: int, calibrate: bool, may_grow: bool = True) -> Growth:
    """Times at n and GROWTH * n; with ``calibrate``, n is first moved into the measurable window."""
    if calibrate:
        n, small = calibrated(stage, case, n, may_grow)
    else:
        small = best_seconds(stage, case, n)
    if small < MIN_MEASURABLE_SECONDS:
        return Growth(n, small, float("nan"))  # nothing to compare: not worth timing at GROWTH * n
    return Growth(n, small, best_seconds(stage, case, GROWTH * n))


def _params() -> list[object]:
    params: list[object] = []
    for case_name, case in CASES.items():
        for stage_name in case.stages or STAGES:
            reason = KNOWN_SUPERLINEAR.get((case_name, stage_name), (None, 0))[0]
            blocked = any((case_name, needed) in KNOWN_SUPERLINEAR for needed in PREPARED_WITH.get(stage_name, ()))
            if blocked:
                continue
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(case_name, stage_name, marks=marks, id=f"{case_name}-{stage_name}"))
    return params


@pytest.mark.parametrize(("case_name", "stage_name"), _params())
def test_time_grows_linearly(case_name: str, stage_name: str, record_property: Callable[[str, object], None]) -> None:
    case, stage = CASES[case_name], STAGES[stage_name]
    known = KNOWN_SUPERLINEAR.get((case_name, stage_name))
    if known is not None:
        found = growth(stage, case, known[1], calibrate=False)
    else:
        found = growth(stage, case, case.n, calibrate=True, may_grow=stage_name not in PREPARED_WITH)
    if known is None and found.measurable and found.ratio >= MAX_RATIO:
        # measured once more before failing: a pause of the machine is no defect
        again = growth(stage, case, found.n, calibrate=False)
        if not again.measurable or again.ratio < found.ratio:
            found = again
    record_property("timing", f"n={found.n} t(n)={found.small:.4f}s t(4n)={found.large:.4f}s x{found.ratio:.1f}")
    if not found.measurable:
        return  # too fast to tell at any size tried: nothing grows here
    assert found.ratio < MAX_RATIO, (
        f"{stage_name} on {case_name}: {found.small:.4f} s at n={found.n}, "
        f"{found.large:.4f} s at {GROWTH}n: x{found.ratio:.1f}"
    )


# --- the pathological inputs do not break anything either ---------------------------------------------


@pytest.mark.parametrize("case_name", [name for name in CASES if (name, "extract_text") not in KNOWN_SUPERLINEAR])
def test_record_of_pathological_text_points_at_its_text(case_name: str) -> None:
    text = CASES[case_name].make(CASES[case_name].n // 10)
    record = extract_text(text, case_name)
    normalised = record.normalised_text
    for amount in record.amounts:
        assert normalised[amount.evidence.start : amount.evidence.end] == amount.evidence.text
    for date in record.dates:
        assert normalised[date.evidence.start : date.evidence.end] == date.evidence.text
