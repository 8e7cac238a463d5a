"""Cross-field checks on a record. Findings become ``problems`` on the record, never a crash."""

from __future__ import annotations

from functools import cache

import pycountry

from pipeline.models import Problem, Record


@cache
def _currency_codes() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.currencies)


@cache
def _country_codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


def check_dates(record: Record) -> list[Problem]:
    starts = [d.value for d in record.dates if d.role == "start"]
    ends = [d.value for d in record.dates if d.role == "end"]
    if not starts or not ends:
        return []
    first_start, last_end = min(starts), max(ends)
    # compared on the common precision: "2019-05" is not before "2019-05-20"
    if last_end[: len(first_start)] < first_start[: len(last_end)]:
        return [Problem(code="end_before_start", message=f"latest end date {last_end} is before the first start date {first_start}")]
    return []


def check_amounts(record: Record) -> list[Problem]:
    problems: list[Problem] = []
    for amount in record.amounts:
        if amount.currency not in _currency_codes():
            problems.append(Problem(code="unknown_currency", message=f"{amount.currency} is not an ISO 4217 currency"))
        if amount.value < 0:
            problems.append(Problem(code="negative_amount", message=f"amount {amount.evidence.text!r} is negative"))
    costs = [a for a in record.amounts if a.role in ("total_cost", "initial_cost", "final_cost")]
    for grant in (a for a in record.amounts if a.role == "grant"):
        same_currency = [c.value for c in costs if c.currency == grant.currency]
        if same_currency and grant.value > max(same_currency) + 0.005:
            problems.append(
                Problem(
                    code="grant_above_cost",
                    message=f"grant {grant.value:.2f} {grant.currency} is above the project cost {max(same_currency):.2f}",
                )
            )
    return problems


def check_countries(record: Record) -> list[Problem]:
    return [
        Problem(code="unknown_country", message=f"{code} is not an ISO 3166-1 alpha-2 country code")
        for code in record.countries
        if code not in _country_codes()
    ]


def check_evidence(record: Record) -> list[Problem]:
    """Every evidence span must quote the normalised text exactly."""
    text = record.normalised_text
    spans = [a.evidence for a in record.amounts] + [d.evidence for d in record.dates]
    spans += [e for o in record.organisations for e in o.evidence]
    spans += [p.evidence for p in record.partners] + ([record.promoter.evidence] if record.promoter else [])
    return [
        Problem(code="evidence_mismatch", message=f"evidence {e.text!r} does not match the text at {e.start}-{e.end}", severity="error")
        for e in spans
        if text[e.start : e.end] != e.text
    ]


def validate(record: Record) -> Record:
    """The record with its problems listed (sorted, so re-runs are identical)."""
    problems = [*check_dates(record), *check_amounts(record), *check_countries(record), *check_evidence(record)]
    problems.sort(key=lambda p: (p.code, p.message))
    return record.model_copy(update={"problems": problems})
