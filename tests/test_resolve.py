"""Resolution builds its models from dicts in one validation; these compare it with the plain way."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import resolve
from pipeline.extract.organisations import OrgEntity, OrgMention, fold
from pipeline.language import TextScores, document_language
from pipeline.models import OrganisationMention, PartnerMention, PromoterMention
from pipeline.normalise import normalise
from pipeline.process import extract_candidates
from pipeline.spans import make_evidence
from pipeline.split import split

SAMPLES = Path(__file__).resolve().parents[1] / "raw"  # the sample reports


def _reference_organisations(text: str, entities: list[OrgEntity], extra: list[OrgMention]) -> list[OrganisationMention]:
    """The straightforward resolution: one model at a time, through the constructors."""
    result: list[OrganisationMention] = []
    known = {fold(name) for entity in entities for name in entity.names()}
    for entity in sorted(entities, key=lambda e: e.first.start):
        name = entity.canonical_name()
        mentions = sorted(entity.mentions, key=lambda m: (m.start, m.end))
        result.append(
            OrganisationMention(
                name=name,
                aliases=[alias for alias in entity.names() if alias != name],
                evidence=[make_evidence(text, m.start, m.end) for m in mentions],
                rule=entity.first.rule,
            )
        )
    for mention in extra:
        if fold(mention.name) in known:
            continue
        known.add(fold(mention.name))
        result.append(OrganisationMention(name=mention.name, evidence=[make_evidence(text, mention.start, mention.end)], rule=mention.rule))
    return sorted(result, key=lambda o: o.evidence[0].start)


def _same_models(found: list, expected: list) -> None:
    assert found == expected
    assert [model.model_fields_set for model in found] == [model.model_fields_set for model in expected]
    assert [model.model_dump_json() for model in found] == [model.model_dump_json() for model in expected]


def _texts() -> list[str]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    return texts + [
        "Projekt realizuje Sdružení Nelenmar z.s. (SNZ) s partnery Spolek Horan (Německo) a Lotragan o.p.s.\n\n"
        "SNZ a Lotragan o.p.s. pořádají setkání. Spolek Horan je partnerem. Sdružení Nelenmar, z.s. děkuje.",
        "The project is run by Integration Centre Prague in partnership with Caritas Austria (Austria).\n"
        "Integration Centre Prague (ICP) and  Caritas Austria  met.",
    ]


@pytest.mark.parametrize("raw", _texts())
def test_resolution_matches_the_constructors(raw: str) -> None:
    text = normalise(raw).text
    language = document_language(TextScores(text))
    found = extract_candidates(text, language if language != "und" else "en", split(text, language, TextScores(text)))
    extra = list(found.parties.extra_mentions)
    _same_models(resolve.organisations(text, found.entities, extra), _reference_organisations(text, list(found.entities), extra))
    mention = found.parties.promoter
    if mention is not None:
        expected = PromoterMention(name=resolve._canonical(mention, found.entities), evidence=make_evidence(text, mention.start, mention.end), rule=mention.rule)
        _same_models([resolve.promoter(text, found.parties, found.entities)], [expected])
    partners = [
        PartnerMention(
            name=resolve._canonical(m, found.entities), country=resolve._stated_country(text, m.end),
            evidence=make_evidence(text, m.start, m.end), rule=m.rule,
        )
        for m in found.parties.partners
    ]
    _same_models(resolve.partners(text, found.parties, found.entities), partners)


_names = st.sampled_from(["Spolek Horan", "SH", "spolek horan", "Lotragan o.p.s.", "Lotragan", "Caritas"])


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=" \n\tab\u00a0\u2003", min_size=30, max_size=30),
    groups=st.lists(st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29), _names, st.sampled_from(["org.acronym", "org.x"])), min_size=1, max_size=3), max_size=4),
    extra=st.lists(st.tuples(st.integers(0, 29), st.integers(0, 29), _names), max_size=3),
)
def test_organisations_match_the_constructors_on_any_spans(text: str, groups: list, extra: list) -> None:
    # blank-edged spans are trimmed, ties in start keep their order, extra names already known are skipped
    entities = [OrgEntity(mentions=[OrgMention(min(s, e), max(s, e), name, rule) for s, e, name, rule in group]) for group in groups]
    extras = [OrgMention(min(s, e), max(s, e), name, "org.extra") for s, e, name in extra]
    _same_models(resolve.organisations(text, entities, extras), _reference_organisations(text, entities, extras))


@pytest.mark.parametrize("raw", _texts())
def test_record_from_fields_matches_the_record_from_models(raw: str) -> None:
    from pipeline.models import Record
    from pipeline.process import record_from_candidates
    from pipeline.validate import validate

    text = normalise(raw).text
    counted = TextScores(text)
    language = document_language(counted)
    language = language if language in ("cs", "sk", "en") else "en"
    segments = split(text, language, counted)
    found = extract_candidates(text, language, segments)
    record = record_from_candidates(found, "d", "raw/d.txt", "0" * 64, text, language, segments, [(0, 0)])
    expected = validate(
        record.model_copy(
            update={
                "promoter": resolve.promoter(text, found.parties, found.entities),
                "partners": resolve.partners(text, found.parties, found.entities),
                "organisations": resolve.organisations(text, found.entities, found.parties.extra_mentions),
            }
        )
    )
    assert record == expected and record.model_dump_json() == expected.model_dump_json()
    assert Record.model_validate(record.model_dump()) == record
