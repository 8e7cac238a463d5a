import pytest

from pipeline.extract.organisations import (
    OrgMention,
    _legal_form_places,
    _starts_with_listed_name,
    find_mentions,
    fold,
    group_entities,
    lexicon,
    tokenize,
)
from pipeline.extract.parties import MentionIndex, assign_roles
from pipeline.split import split


def names(text: str, language: str) -> list[str]:
    mentions = find_mentions(text, language)
    return [entity.canonical_name() for entity in group_entities(text, mentions)]


@pytest.mark.parametrize(
    "text,expected",
    [
        # cs: heads in every case come back in the nominative, adjectives with them
        ("Hodnocení zajištěné Ministerstvem financí proběhlo.", ["Ministerstvo financí"]),
        ("Projekt, který Sdružení pro integraci a migraci (SIMI) začalo realizovat.", ["Sdružení pro integraci a migraci"]),
        ("Služby poskytovala Správa uprchlických zařízení Ministerstva vnitra.", ["Správa uprchlických zařízení Ministerstva vnitra"]),
        ("Vybudování Integračního centra Praha bylo cílem.", ["Integrační centrum Praha"]),
        ("Dotaci získal Jihomoravský kraj.", ["Jihomoravský kraj"]),
        ("Akce proběhla v Domě národnostních menšin v Praze.", ["Dům národnostních menšin"]),
        ("Partnerem je Poradna pro integraci, z. ú. z Prahy.", ["Poradna pro integraci, z. ú."]),
        ("Zapojila se belgické město Mechelen.", ["město Mechelen"]),
        ("Hosté z organizace AGABY přijeli.", ["AGABY"]),
        ("Pracovala s námi Organizace pro pomoc uprchlíkům o.s. celý rok.", ["Organizace pro pomoc uprchlíkům o.s."]),
        # sk
        ("Výzvu vyhlásilo Ministerstvo vnútra Slovenskej republiky ako zodpovedný orgán.", ["Ministerstvo vnútra Slovenskej republiky"]),
        ("Nadácia Ekopolis, Karpatská nadácia a Nadácia otvorenej spoločnosti vyhlasujú výzvu.", ["Nadácia Ekopolis", "Karpatská nadácia", "Nadácia otvorenej spoločnosti"]),
        ("Zbierku organizujeme s Mestom Čadca v Mestskej Športovej Hale Pratex.", ["Mesto Čadca"]),
        ("Stránku spravuje Nórsky helsinský výbor.", ["Nórsky helsinský výbor"]),
        ("Prednášala Liga za ľudské práva, ktorá pomáha.", ["Liga za ľudské práva"]),
        # en
        ("The Open Society Foundation Bratislava, as the leader of a consortium, allocated funds.", ["Open Society Foundation Bratislava"]),
        ("Officials of the Ministry of Labour, Social Affairs and Family attended.", ["Ministry of Labour, Social Affairs and Family"]),
        ("Employees of the Ministry of the Interior and the Refugee Facilities Administration came.", ["Ministry of the Interior", "Refugee Facilities Administration"]),
        ("Representatives of the Union of Towns and Municipalities were there.", ["Union of Towns and Municipalities"]),
        ("We are a member of PICUM (Platform for International Cooperation on Undocumented Migrants).", ["Platform for International Cooperation on Undocumented Migrants"]),
        ("The call announced by the Pontis Foundation and Donio helped.", ["Pontis Foundation"]),
        ("Among the supported organisations is, for example, Mareeena.", ["Mareeena"]),
        ("The partner organisation NIBR will help us.", ["NIBR"]),
        ("Thanks to InBáze z.s. the project ran.", ["InBáze z.s."]),
    ],
)
def test_organisation_names(text: str, expected: list[str]) -> None:
    assert names(text, "cs" if any(c in text for c in "ěřůčšž") else "en") == expected


@pytest.mark.parametrize(
    "text",
    [
        "The project was funded by the European Union and EEA Grants.",
        "Slovenská organizace pomáhá cizincům v Praze.",
        "Intercultural society without barriers is the aim of the project.",
        "The Ministry said nothing.",
        "Projekt podpořila Evropská unie z programu Erasmus+.",
    ],
)
def test_not_organisations(text: str) -> None:
    assert names(text, "en") == []


def test_acronym_joins_its_expansion() -> None:
    text = "Sdružení pro integraci a migraci (SIMI) pořádá fórum. SIMI zve všechny."
    entities = group_entities(text, find_mentions(text, "cs"))
    assert len(entities) == 1
    assert sorted(entities[0].names()) == ["SIMI", "Sdružení pro integraci a migraci"]


def test_shorter_name_joins_longer() -> None:
    text = "The Open Society Foundation Bratislava leads. The Open Society Foundation pays."
    entities = group_entities(text, find_mentions(text, "en"))
    assert [e.canonical_name() for e in entities] == ["Open Society Foundation Bratislava"]


def test_mention_offsets_point_at_the_printed_name() -> None:
    text = "Hodnocení zajištěné Ministerstvem financí proběhlo."
    (mention,) = find_mentions(text, "cs")
    assert text[mention.start : mention.end] == "Ministerstvem financí"


@pytest.mark.parametrize(
    "name,folded",
    [("The Pontis Foundation", "pontis foundation"), ("Liga za ľudské práva", "liga za ludske prava"), ("CVEK's", "cvek s")],
)
def test_fold(name: str, folded: str) -> None:
    assert fold(name) == folded


def roles(text: str, language: str) -> tuple[str | None, list[str]]:
    segments = split(text, language)
    mentions = find_mentions(text, language)
    entities = group_entities(text, mentions)
    parties = assign_roles(text, segments, mentions, entities)
    return (parties.promoter.name if parties.promoter else None), [p.name for p in parties.partners]


@pytest.mark.parametrize(
    "text,language,promoter,partners",
    [
        ("Card\n\nOrganization name: CVEK\nThe partner organisation NIBR will help.", "en", "CVEK", ["NIBR"]),
        ("Card\n\nProject promoter:\nAssociation for Integration and Migration\n\nWe work in cooperation with the Association for Intercultural Work.", "en", "Association for Integration and Migration", ["Association for Intercultural Work"]),
        ("Projekt\n\nRealizace:\n\nIntegrační centrum Praha o.p.s., Sdružení pro integraci a migraci o.s., Inbáze\n", "cs", "Integrační centrum Praha o.p.s.", ["Sdružení pro integraci a migraci o.s.", "Inbáze"]),
        ("Projekt\n\nDo projektu jsou zapojeni tři partneři:\n\n• slovenská organizace Liga za ľudské práva,\n• německá organizace AGABY.\n", "cs", None, ["Liga za ľudské práva", "AGABY"]),
        ("Projekt\n\nCVEK realizuje projekt v partnerstve s Norwegian Institute for Urban and Regional Research.", "sk", "CVEK", ["Norwegian Institute for Urban and Regional Research"]),
        ("News\n\nThe programme, in cooperation with the Association for Integration and Migration and the Vietnamese initiative Viet Up, organised a meeting.", "en", None, ["Association for Integration and Migration", "Viet Up"]),
        ("Karta\n\nŽiadateľ: Nadácia Pontis\nPartneri projektu: Liga za ľudské práva; Mesto Čadca\n", "sk", "Nadácia Pontis", ["Liga za ľudské práva", "Mesto Čadca"]),
    ],
)
def test_promoter_and_partners(text: str, language: str, promoter: str | None, partners: list[str]) -> None:
    assert roles(text, language) == (promoter, partners)


def _mention(start: int, end: int) -> OrgMention:
    return OrgMention(start, end, f"m{start}", "org.head")


# overlapping spans on purpose: the index must not assume the mentions it is given are disjoint
INDEXED = [_mention(30, 40), _mention(0, 5), _mention(10, 20), _mention(12, 14), _mention(2, 35)]


@pytest.mark.parametrize("start,end", [(0, 50), (0, 5), (1, 5), (10, 20), (11, 20), (12, 14), (20, 30), (39, 41), (45, 60), (5, 10)])
def test_mention_index_finds_what_a_scan_finds(start: int, end: int) -> None:
    index = MentionIndex(INDEXED)
    in_order = sorted(INDEXED, key=lambda m: (m.start, m.end))
    assert index.within(start, end) == [m for m in in_order if m.start >= start and m.end <= end]
    assert index.overlapping(start, end) == [m for m in in_order if m.start < end and m.end > start]


@pytest.mark.parametrize(
    "folded,expected",
    [("ministry", True), ("ministry of interior", True), ("ministryx", False), ("the ministry", False), ("", False)],
)
def test_starts_with_listed_name(folded: str, expected: bool) -> None:
    assert _starts_with_listed_name(folded, frozenset({"ministry", "european union"})) is expected


@pytest.mark.parametrize(
    "text",
    [
        "Nadácia Pontis, o.p.s. a Liga z. s.",
        "Firma s.r.o., Firma spol. s r. o. a Firma,s. r. o.",
        "Sdružení pro integraci a migraci z.s., o. p. s. n. o.",
        "z. s. na začátku a na konci Liga o.z.",
        "Slovo  z. s. a slovo\nz.s.",
    ],
)
def test_legal_form_places_are_every_token_a_form_may_follow(text: str) -> None:
    lex = lexicon()
    tokens = tokenize(text)
    # the reference: a look at every token, as the pattern itself would be tried
    expected = [
        index for index in range(1, len(tokens))
        if (match := lex.legal_form.match(text, tokens[index - 1].end)) is not None and match.end() > tokens[index - 1].end
    ]
    found = _legal_form_places(text, [token.end for token in tokens], lex)
    assert set(expected) <= set(found)
    assert found == sorted(set(found))
