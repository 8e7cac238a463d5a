"""E-mails, URLs and contact persons."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import contacts as contacts_module
from pipeline.extract.contacts import extract_contact_persons, extract_emails, extract_urls
from pipeline.folding import lower_same_length


def emails(text: str) -> list[str]:
    return [mention.value for mention in extract_emails(text)]


def urls(text: str) -> list[str]:
    return [mention.value for mention in extract_urls(text)]


def persons(text: str, language: str) -> list[tuple[str, str | None]]:
    return [(person.name, person.email) for person in extract_contact_persons(text, language)]


EMAIL_CASES = [
    ("For more information, contact Anca Covrigova, Head Methodologist: metodik@icpraha.com.", ["metodik@icpraha.com"]),
    ("kontaktujte nás na Info@Example.ORG.", ["info@example.org"]),
    ("info(at)example.org", ["info@example.org"]),
    ("info [at] example.org", ["info@example.org"]),
    ("novakova (zavináč) inbaze [tečka] cz", ["novakova@inbaze.cz"]),
    (
        "jan.novak@cvek.sk, eva-mala@ligaprava.sk; x@y.co.uk",
        ["jan.novak@cvek.sk", "eva-mala@ligaprava.sk", "x@y.co.uk"],
    ),
    ("mailto:office@simi.cz", ["office@simi.cz"]),
    ("e-mail: migrace@clovekvtisni.cz\nDalší řádek", ["migrace@clovekvtisni.cz"]),
    ("at the meeting (at) noon @ home", []),
    ("Follow us @simi_cz", []),
]

URL_CASES = [
    ("See https://ngonorway.org/, which lists partners.", ["https://ngonorway.org/"]),
    ("published on the www.interkulturniprace.cz. b) 8 workshops", ["www.interkulturniprace.cz"]),
    ("(https://example.com/a_(b)) and http://x.cz/path?a=1;", ["https://example.com/a_(b)", "http://x.cz/path?a=1"]),
    ("Viac na https://www.cvek.sk/projekty/podpora-samosprav/!", ["https://www.cvek.sk/projekty/podpora-samosprav/"]),
    ("napište na info@www.example.cz", []),
    ("www. is not an address, nor is http://", []),
]

CS_PERSON_CASES = [
    (
        "V případě zájmu kontaktujte koordinátorku Evu Valentovou na valentova@migrace.com.",
        [("Evu Valentovou", "valentova@migrace.com")],
    ),
    (
        "Kontaktní osoba: Mgr. Jana Nováková, tel. 222 333 444, e-mail: novakova(at)inbaze.cz",
        [("Jana Nováková", "novakova@inbaze.cz")],
    ),
    ("Kontaktujte pana Petra Nováka nebo paní Janu Malou.", [("Petra Nováka", None), ("Janu Malou", None)]),
    ("Obraťte se na Integrační centrum Praha.", []),
    ("Kontakt:\nInBáze z.s.\nPraha 2", []),
]

SK_PERSON_CASES = [
    ("Kontaktná osoba: Ján Novák\nE-mail: jan.novak@cvek.sk", [("Ján Novák", "jan.novak@cvek.sk")]),
    (
        "Bližšie informácie: kontaktujte koordinátora Petra Kováča. Ďalšie info na office@cvek.sk",
        [("Petra Kováča", None)],
    ),
    ("Kontaktné osoby: Ján Novák a Eva Malá", [("Ján Novák", None), ("Eva Malá", None)]),
    ("Obráťte sa na Ministerstvo vnútra SR.", []),
]

EN_PERSON_CASES = [
    (
        "For more information, contact Anca Covrigova, Head Methodologist: metodik@icpraha.com.",
        [("Anca Covrigova", "metodik@icpraha.com")],
    ),
    ("Contact person: Jane Smith", [("Jane Smith", None)]),
    (
        "Contact persons: Jane Smith and John Brown (john [at] example [dot] org)",
        [("Jane Smith", None), ("John Brown", "john@example.org")],
    ),
    ("For more information, please contact us by e-mail migrace@clovekvtisni.cz", []),
    ("the point of first contact at the Vyšné Nemecké border crossing", []),
    ("contact the Integration Centre Prague", []),
    ("find and contact a suitable provider", []),
]


@pytest.mark.parametrize(("text", "expected"), EMAIL_CASES)
def test_emails(text: str, expected: list[str]) -> None:
    assert emails(text) == expected


@pytest.mark.parametrize(("text", "expected"), URL_CASES)
def test_urls(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(("text", "expected"), CS_PERSON_CASES)
def test_persons_cs(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert persons(text, "cs") == expected


@pytest.mark.parametrize(("text", "expected"), SK_PERSON_CASES)
def test_persons_sk(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert persons(text, "sk") == expected


@pytest.mark.parametrize(("text", "expected"), EN_PERSON_CASES)
def test_persons_en(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert persons(text, "en") == expected


def test_person_evidence_runs_from_name_to_email() -> None:
    text = "kontaktujte koordinátorku Evu Valentovou na valentova@migrace.com."
    [person] = extract_contact_persons(text, "cs")
    assert person.evidence.text == "Evu Valentovou na valentova@migrace.com"
    assert person.rule == "contact.cue"


def test_email_rules() -> None:
    assert [m.rule for m in extract_emails("a@b.cz a(at)b.cz")] == ["email.plain", "email.obfuscated"]


_FRAGMENTS = [
    "info@example.org", "info(at)example.org", " [at] ", "(dot)", "www.example.cz", "https://x.cz/a_(b)",
    "kontaktujte koordinátorku ", "Contact person: ", "Evu Valentovou", "Jane Smith", " a ", " and ", ", ",
    ".", "\n", " ", "Mgr. ", "@", "na ",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=6)), max_size=16))
def test_evidence_is_the_text_at_its_offsets(parts: list[str]) -> None:
    text = "".join(parts)
    for mention in [*extract_emails(text), *extract_urls(text)]:
        assert text[mention.evidence.start : mention.evidence.end] == mention.evidence.text
    for email in extract_emails(text):
        assert email.value == email.value.lower() and not email.value.endswith(".")
    for person in extract_contact_persons(text, "cs"):
        assert text[person.evidence.start : person.evidence.end] == person.evidence.text
        assert person.evidence.text.startswith(person.name)


# --- scanning patterns ------------------------------------------------------------------------------

_URL_CHARACTER = r"[^\s<>\"'„“”‘’«»{}|\\^`]"
_PLAIN_URL = re.compile(r"(?<![\w@./-])(?:https?://|www\.)" + _URL_CHARACTER + "{1,2000}", re.IGNORECASE)


def test_url_start_letters_are_every_case_blind_match() -> None:
    """The spelled-out letters of the URL pattern are exactly what a case-blind pattern takes."""
    every_character = "".join(map(chr, range(0x110000)))
    for letter, spelled in [("h", "hH"), ("t", "tT"), ("p", "pP"), ("s", "sSſ"), ("w", "wW")]:
        assert sorted(re.findall(f"(?i){letter}", every_character)) == sorted(spelled)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["@", "(at)", "[ at ]", "{zavináč}", "(AT)", "(a)", "[", "(", "x", " ", ")"]),
               max_size=10))
def test_at_sign_pattern_is_the_plain_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    words = ["zavináč", "at"]
    plain = re.compile("@|" + contacts_module._bracketed(words, spaced=False))
    found = [(m.span(), m.group()) for m in re.finditer(contacts_module._at_sign_regex(words), text)]
    assert found == [(m.span(), m.group()) for m in plain.finditer(text)]


_URL_PIECES = ["http://", "HTTPS://", "httpſ://", "hTtPſ://", "www.", "WwW.", "x", "@", ".", "/", " ", "-", "a.cz", "(",
               ")", "h", "w", "H", "W", "a" * 1990, "a" * 1995, "ttp://", "ww.", "\n", "İ", "\u212a", "\U0001d400",
               "\U0001f600", ",", "Σ", "http", "s"]


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_URL_PIECES), max_size=10))
def test_urls_found_from_their_openings_are_those_of_the_plain_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert list(contacts_module._url_spans(text)) == [m.span() for m in _PLAIN_URL.finditer(text)]


@pytest.mark.parametrize("cut", range(1994, 2003))
def test_an_address_cut_at_its_length_limit_inside_the_next_opening(cut: int) -> None:
    # the limit ends an address inside "http://" or "www.": the letters before the cut start nothing
    for opening in ("http://b.cz", "HTTPS://b.cz", "www.b.cz", "x,http://b.cz", "x,www.b.cz"):
        text = "www." + "a" * (cut - 4) + opening + " http://c.cz"
        assert list(contacts_module._url_spans(text)) == [m.span() for m in _PLAIN_URL.finditer(text)]


def test_url_characters_keep_their_class_once_lower_cased() -> None:
    """Every character the URL patterns read, lower-cased, is in the class of the lower-cased pattern that
    stands for the case-blind class of the character itself."""
    classes = [("(?i)h", "h"), ("(?i)t", "t"), ("(?i)p", "p"), ("(?i)w", "w"), ("(?i)s", "[sſ]"), (":", ":"),
               ("/", "/"), (r"\.", r"\."), (r"[\w@./-]", r"[\w@./-]"),
               ("(?i)" + _URL_CHARACTER, _URL_CHARACTER)]
    every_character = [chr(code) for code in range(0x110000)]
    for blind, lowered in classes:
        blind_class, lowered_class = re.compile(blind), re.compile(lowered or blind)
        for char in every_character:
            lowered_char = lower_same_length(char)
            assert (blind_class.fullmatch(char) is None) == (lowered_class.fullmatch(lowered_char) is None), hex(ord(char))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["@", "(at)", "[ at ]", "{zavináč}", "(AT)", "(a)", "[", "(", "{", "x", " ", ")",
                                 "(@)", "[at}", "((at)", "@@", "(\U0001d400)", "\U0001f600", "[ZAVINÁČ]", "(ſt)"]),
                max_size=10))
def test_at_signs_found_one_character_at_a_time_are_those_of_the_pattern(pieces: list[str]) -> None:
    text = "".join(pieces)
    words = ["zavináč", "at"]
    found = [(m.span(), m.group()) for m in contacts_module._at_sign_matches(text, contacts_module._at_sign_patterns(words))]
    assert found == [(m.span(), m.group()) for m in re.finditer(contacts_module._at_sign_regex(words), text)]


_EMAIL_TEXTS = [
    "Kontaktujte Evu Valentovou, eva@example.org.",
    "Kontaktujte Evu Valentovou, jan (at) example.cz.",
    "Contact person: Ján Novák, info@example.sk",
    "bez adresy",
    "",
]


@pytest.mark.parametrize("first", _EMAIL_TEXTS)
@pytest.mark.parametrize("second", _EMAIL_TEXTS)
def test_addresses_kept_for_one_text_are_never_those_of_another(first: str, second: str) -> None:
    """Each text's e-mails and persons are those read from it alone, whatever text was read before (the
    same text too, as another string of equal content)."""
    expected_emails = [m.value for m in extract_emails(second)]
    expected_persons = [(p.name, p.email) for p in extract_contact_persons(second, "cs")]
    for before in (first, "".join(list(first))):
        extract_emails(before)
        extract_contact_persons(before, "cs")
        assert [(p.name, p.email) for p in extract_contact_persons(second, "cs")] == expected_persons
        assert [m.value for m in extract_emails(second)] == expected_emails
        again = "".join(list(second))
        assert [(p.name, p.email) for p in extract_contact_persons(again, "cs")] == expected_persons


def test_addresses_of_the_document_are_found_once() -> None:
    text = "Kontaktujte Evu Valentovou, eva@example.org."
    assert contacts_module._document_emails(text, contacts_module.contact_data()) is (
        contacts_module._document_emails(text, contacts_module.contact_data())
    )
    assert [m.group() for m in contacts_module._document_emails(text, contacts_module.contact_data())] == [
        m.group() for m in contacts_module._email_matches(text, contacts_module.contact_data())
    ]
