"""Resolve extracted candidates into the record's fields: deduplicated, one entry per value."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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


def organisations(text: str, entities: Sequence[OrgEntity], extra: Sequence[OrgMention]) -> list[OrganisationMention]:
    """One entry per organisation, canonical name first, every mention as evidence."""
    result: list[OrganisationMention] = []
    known = {fold(name) for entity in entities for name in entity.names()}
    for entity in sorted(entities, key=lambda e: e.first.start):
        name = entity.canonical_name()
        mentions = sorted(entity.mentions, key=lambda m: (m.start, m.end))
        result.append(
            OrganisationMention(
                name=name,
                aliases=[alias for alias in entity.names() if alias != name],
                evidence=[_evidence(text, m) for m in mentions],
                rule=entity.first.rule,
            )
        )
    for mention in extra:
        if fold(mention.name) in known:
            continue
        known.add(fold(mention.name))
        result.append(OrganisationMention(name=mention.name, evidence=[_evidence(text, mention)], rule=mention.rule))
    return sorted(result, key=lambda o: o.evidence[0].start)


def _canonical(mention: OrgMention, entities: Sequence[OrgEntity]) -> str:
    for entity in entities:
        if any(m.start == mention.start and m.end == mention.end for m in entity.mentions):
            if mention.rule == "org.acronym":
                return entity.canonical_name()
            return mention.name
    return mention.name


def promoter(text: str, parties: Parties, entities: Sequence[OrgEntity]) -> PromoterMention | None:
    if parties.promoter is None:
        return None
    mention = parties.promoter
    return PromoterMention(name=_canonical(mention, entities), evidence=_evidence(text, mention), rule=mention.rule)


def partners(text: str, parties: Parties, entities: Sequence[OrgEntity]) -> list[PartnerMention]:
    return [
        PartnerMention(
            name=_canonical(m, entities),
            country=_stated_country(text, m.end),
            evidence=_evidence(text, m),
            rule=m.rule,
        )
        for m in parties.partners
    ]


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
