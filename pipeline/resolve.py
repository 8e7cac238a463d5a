"""Resolve extracted candidates into the record's fields: deduplicated, one entry per value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from pydantic import TypeAdapter

from pipeline.extract.countries import country_code
from pipeline.extract.organisations import OrgEntity, OrgMention, fold
from pipeline.extract.parties import Parties
from pipeline.models import (
    AmountMention,
    ContactPerson,
    DateMention,
    Evidence,
    Mention,
    OrganisationMention,
    PartnerMention,
    PromoterMention,
)
from pipeline.spans import make_evidence

# When one value is found several times, the mention with the most telling role stands for it.
_ROLE_PREFERENCE = {"other": 1}


@dataclass(frozen=True, slots=True)
class Candidates:
    """Everything the extractors found in one document, before resolution."""

    amounts: Sequence[AmountMention]
    dates: Sequence[DateMention]
    countries: Sequence[Mention]
    programmes: Sequence[Mention]
    project_codes: Sequence[Mention]
    emails: Sequence[Mention]
    urls: Sequence[Mention]
    contacts: Sequence[ContactPerson]
    target_groups: Sequence[Mention]
    organisation_mentions: Sequence[OrgMention]
    entities: Sequence[OrgEntity]
    parties: Parties


def unique_amounts(amounts: Iterable[AmountMention]) -> list[AmountMention]:
    """One amount per (value, currency), the first with a specific role winning over "other"."""
    chosen: dict[tuple[float, str], AmountMention] = {}
    for amount in amounts:
        key = (round(amount.value, 2), amount.currency)
        current = chosen.get(key)
        if current is None or (_ROLE_PREFERENCE.get(current.role, 0) > _ROLE_PREFERENCE.get(amount.role, 0)):
            chosen[key] = amount
    return sorted(chosen.values(), key=lambda a: a.evidence.start)


def unique_dates(dates: Iterable[DateMention]) -> list[DateMention]:
    """One date per value, the first with a specific role winning over "other"."""
    chosen: dict[str, DateMention] = {}
    for date in dates:
        current = chosen.get(date.value)
        if current is None or (_ROLE_PREFERENCE.get(current.role, 0) > _ROLE_PREFERENCE.get(date.role, 0)):
            chosen[date.value] = date
    return sorted(chosen.values(), key=lambda d: d.evidence.start)


def first_per_value(mentions: Iterable[Mention]) -> list[Mention]:
    seen: dict[str, Mention] = {}
    for mention in mentions:
        seen.setdefault(mention.value, mention)
    return sorted(seen.values(), key=lambda m: m.evidence.start)


def _evidence(text: str, mention: OrgMention) -> Evidence:
    return make_evidence(text, mention.start, mention.end)


def _evidence_fields(text: str, start: int, end: int) -> dict[str, object]:
    """The fields of ``make_evidence(text, start, end)``, for a model validated with it in one call."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return {"start": start, "end": end, "text": text[start:end]}


# Organisations are validated as one list of dicts: pydantic builds the nested models without a
# Python call per model.
_validate_organisations = TypeAdapter(list[OrganisationMention]).validate_python
_START_END = attrgetter("start", "end")


def organisations(text: str, entities: Sequence[OrgEntity], extra: Sequence[OrgMention]) -> list[OrganisationMention]:
    """One entry per organisation, canonical name first, every mention as evidence."""
    return _validate_organisations(organisation_fields(text, entities, extra))


def organisation_fields(text: str, entities: Sequence[OrgEntity], extra: Sequence[OrgMention]) -> list[dict[str, object]]:
    """The fields of ``organisations(text, entities, extra)``, for the record's validator to build them
    (one validation per record instead of one per kind of value)."""
    found: list[dict[str, object]] = []
    by_first = sorted(((entity.first, entity) for entity in entities), key=lambda pair: pair[0].start)
    for first, entity in by_first:
        name = entity.canonical_name()
        found.append(
            {
                "name": name,
                "aliases": [alias for alias in entity.names() if alias != name],
                "evidence": [_evidence_fields(text, m.start, m.end) for m in sorted(entity.mentions, key=_START_END)],
                "rule": first.rule,
            }
        )
    if extra:
        known = {fold(name) for entity in entities for name in entity.names()}
        for mention in extra:
            key = fold(mention.name)
            if key in known:
                continue
            known.add(key)
            evidence = [_evidence_fields(text, mention.start, mention.end)]
            found.append({"name": mention.name, "evidence": evidence, "rule": mention.rule})
    found.sort(key=_first_evidence_start)
    return found


def _first_evidence_start(organisation: dict[str, object]) -> int:
    return organisation["evidence"][0]["start"]  # type: ignore[index]


def _canonical(mention: OrgMention, entities: Sequence[OrgEntity]) -> str:
    for entity in entities:
        if any(m.start == mention.start and m.end == mention.end for m in entity.mentions):
            if mention.rule == "org.acronym":
                return entity.canonical_name()
            return mention.name
    return mention.name


def promoter(text: str, parties: Parties, entities: Sequence[OrgEntity]) -> PromoterMention | None:
    fields = promoter_fields(text, parties, entities)
    return None if fields is None else _validate_promoter(fields)


def promoter_fields(text: str, parties: Parties, entities: Sequence[OrgEntity]) -> dict[str, object] | None:
    """The fields of ``promoter(text, parties, entities)``."""
    if parties.promoter is None:
        return None
    mention = parties.promoter
    return {"name": _canonical(mention, entities), "evidence": _evidence_fields(text, mention.start, mention.end), "rule": mention.rule}


def partners(text: str, parties: Parties, entities: Sequence[OrgEntity]) -> list[PartnerMention]:
    return [_validate_partner(fields) for fields in partner_fields(text, parties, entities)]


def partner_fields(text: str, parties: Parties, entities: Sequence[OrgEntity]) -> list[dict[str, object]]:
    """The fields of ``partners(text, parties, entities)``."""
    return [
        {
            "name": _canonical(m, entities),
            "country": _stated_country(text, m.end),
            "evidence": _evidence_fields(text, m.start, m.end),
            "rule": m.rule,
        }
        for m in parties.partners
    ]


_validate_promoter = PromoterMention.__pydantic_validator__.validate_python
_validate_partner = PartnerMention.__pydantic_validator__.validate_python


def _stated_country(text: str, end: int) -> str | None:
    """A country in brackets right after a partner's name: "AGABY (Německo)"."""
    rest = text[end : end + 40]
    stripped = rest.lstrip(" ,")
    if not stripped.startswith("("):
        return None
    close = stripped.find(")")
    if close < 0:
        return None
    return country_code(stripped[1:close].strip())
