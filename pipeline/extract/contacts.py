"""Contact details: e-mail addresses, web addresses and contact persons.

E-mails are lower-cased and de-obfuscated ("info(at)example.org" -> "info@example.org"). Contact persons
are names printed right after a contact cue ("kontaktujte koordinátorku Evu Valentovou", "Contact person:
Ján Novák"), as printed (Czech and Slovak names may stand in any case), with the e-mail that follows them
in the same sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from pipeline.extract.phrases import (
    LANGUAGES,
    LOWER_LETTERS,
    UPPER_LETTERS,
    DataTable,
    Opening,
    PhraseIndex,
    alternation,
    build_index,
    matches_at_openings,
)
from pipeline.folding import lower_same_length
from pipeline.models import ContactPerson, Mention
from pipeline.spans import make_evidence

_DATA = "contacts"

# --- e-mail -------------------------------------------------------------------------------------------

_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_MAX_LOCAL = 64
_LOCAL = rf"[A-Za-z0-9._%+-]{{1,{_MAX_LOCAL}}}"
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"


_OPENING_BRACKET = r"[\[({]"


def _bracketed(words: list[str], spaced: bool = True) -> str:
    """An obfuscation word in brackets: "(at)", "[zavináč]", "{dot}", with optional spaces around."""
    core = _OPENING_BRACKET + _after_opening_bracket(words)
    return rf"[ \t]?{core}[ \t]?" if spaced else core


def _after_opening_bracket(words: list[str]) -> str:
    return r"[ \t]?(?i:" + "|".join(re.escape(word) for word in words) + r")[ \t]?[\])}]"


def _at_sign_regex(at_words: list[str]) -> str:
    """"@" or a bracketed "at" word ("(at)"), as one character set and the rest of what it opens: what
    ``_at_sign_matches`` finds, as one pattern."""
    return r"[@\[({](?:(?<=@)|(?<=" + _OPENING_BRACKET + ")" + _after_opening_bracket(at_words) + ")"


def _at_sign_patterns(at_words: list[str]) -> tuple[Opening, ...]:
    """``_at_sign_regex`` as one pattern per first character, each opening with it (see ``matches_at_openings``)."""
    brackets = tuple((bracket, re.compile(re.escape(bracket) + _after_opening_bracket(at_words)), 0) for bracket in "[({")
    return ("@", re.compile("@"), 0), *brackets


def _at_sign_matches(text: str, at_signs: Sequence[Opening]) -> Iterator[re.Match[str]]:
    """What ``finditer`` of the alternation of the ``at_signs`` patterns finds (``_at_sign_regex``): at a
    place only the pattern opening with the character there can match."""
    return (found for _, found in matches_at_openings(text, at_signs))


def _email_regex(at_words: list[str], dot_words: list[str]) -> str:
    at = rf"(?:@|{_bracketed(at_words)})"
    dot = rf"(?:\.|{_bracketed(dot_words)})"
    domain = rf"{_DOMAIN_LABEL}(?:{dot}{_DOMAIN_LABEL}){{0,6}}{dot}[A-Za-z]{{2,24}}"
    # a trailing sentence dot is not part of the address; \w keeps "org.Další" from ending in "Dal"
    return rf"(?<![A-Za-z0-9._%+-])(?P<local>{_LOCAL})(?P<at>{at})(?P<domain>{domain})(?![\w-])"


# --- URL ----------------------------------------------------------------------------------------------

# "(?<![\w@./-])(?:https?://|www\.)" case-blind, then the address: found in the lower-cased text
# (``lower_same_length``), where the letters are plain ("ſ" is a case-blind "s" that stays as it is), from
# the rare runs of literal characters that open them ("ttp", "www."), each pattern matched where its run
# stands, the look-behinds after it (``str.find`` skips to the runs many times faster than the engine's
# search does). A match of the "ttp" pattern starts one character after its address.
_URL_REST = r"[^\s<>\"'„“”‘’«»{}|\\^`]{1,2000}"
_URL_OPENINGS: tuple[Opening, ...] = (
    ("ttp", re.compile(r"ttp(?<=http)(?<![\w@./-]http)[sſ]?://" + _URL_REST), 1),
    ("www.", re.compile(r"www\.(?<![\w@./-]www\.)" + _URL_REST), 0),
)
_URL_HOST = re.compile(r"(?:https?://[\w-]+(?:\.[\w-]+)+|www\.[\w-]+\.[\w-]+)", re.IGNORECASE)
_URL_TRAILING = ".,;:!?-–—"
_CLOSING_BRACKETS = {")": "(", "]": "["}


# --- contact persons ----------------------------------------------------------------------------------

_NAME_WORD = rf"[{UPPER_LETTERS}][{LOWER_LETTERS}]{{1,30}}(?:-[{UPPER_LETTERS}][{LOWER_LETTERS}]{{1,30}})?"
# two or three capitalised words, and not the start of a longer capitalised run (an organisation)
_PERSON_NAME = rf"(?P<name>{_NAME_WORD}(?:[ ]{_NAME_WORD}){{1,2}})(?![ \t]?[{UPPER_LETTERS}])"
_SENTENCE_END = re.compile(rf"[.!?](?=\s+[{UPPER_LETTERS}]|\s*$)|\n[ \t]*\n")


@dataclass(frozen=True, slots=True)
class ContactData:
    email: re.Pattern[str]
    at_signs: tuple[Opening, ...]  # "@" or its bracketed spelling: where an address can be
    dot_words: re.Pattern[str]
    cues: PhraseIndex
    person: re.Pattern[str]  # matched right after a cue
    next_person: re.Pattern[str]
    organisation_stems: tuple[str, ...]
    role_stems: tuple[str, ...]
    email_window: int


def _word_alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


@cache
def contact_data() -> ContactData:
    """Obfuscation words and contact cues of all languages, checked and compiled once."""
    raw = DataTable.load(_DATA)
    at_words: list[str] = []
    dot_words: list[str] = []
    cues: list[str] = []
    roles: list[str] = []
    titles: list[str] = []
    organisations: list[str] = []
    conjunctions: list[str] = []
    for language in LANGUAGES:
        section = raw.table(language)
        at_words += section.phrases("at_words")
        dot_words += section.phrases("dot_words")
        cues += section.phrases("contact_cues")
        roles += section.phrases("role_stems")
        titles += section.phrases("titles")
        organisations += [stem.lower() for stem in section.phrases("organisation_stems")]
        conjunctions += section.phrases("list_conjunctions")
    limits = raw.table("limits")
    max_roles = limits.positive_int("max_role_words")
    title = rf"(?:{_word_alternation(titles)})"
    role = rf"(?:(?:{_word_alternation(roles)})[{LOWER_LETTERS}]{{0,20}}|{title})"
    return ContactData(
        email=re.compile(_email_regex(at_words, dot_words)),
        at_signs=_at_sign_patterns(at_words),
        dot_words=re.compile(_bracketed(dot_words)),
        cues=build_index([(cue, "cue", True) for cue in cues], _DATA, shared=True),
        person=re.compile(rf"(?:[ \t]*:)?\s{{1,3}}(?:{role}[ \t]+){{0,{max_roles}}}" + _PERSON_NAME),
        next_person=re.compile(
            rf"[ \t]*(?:,|;|{alternation(conjunctions)})[ \t]*(?:{role}[ \t]+){{0,{max_roles}}}" + _PERSON_NAME
        ),
        organisation_stems=tuple(organisations),
        role_stems=tuple(stem.lower() for stem in roles),
        email_window=limits.positive_int("email_window"),
    )


# --- public: e-mails and URLs ---------------------------------------------------------------------------


def _email_value(found: re.Match[str], data: ContactData) -> str:
    domain = data.dot_words.sub(".", found.group("domain"))
    return f"{found.group('local')}@{domain}".lower()


def _email_matches(text: str, data: ContactData) -> Iterator[re.Match[str]]:
    """Addresses found from their "@": a full scan would try the local part at every word."""
    resume = 0
    for at_sign in _at_sign_matches(text, data.at_signs):
        start = at_sign.start()
        if start < resume:
            continue
        if start > 0 and text[start - 1] in " \t" and at_sign.group() != "@":
            start -= 1  # "info (at) example.org"
        limit = max(resume, start - _MAX_LOCAL)
        while start > limit and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        found = data.email.match(text, start)
        if found is not None and found.end() > at_sign.start():
            resume = found.end()
            yield found


# The addresses of the last text read (``_document_emails``): the e-mails and the contact persons of a
# document both need them. One entry, for the document at hand; a string never changes.
_last_emails: tuple[str, list[re.Match[str]]] = ("", [])


def _document_emails(text: str, data: ContactData) -> list[re.Match[str]]:
    """``list(_email_matches(text, data))``, found once for the document at hand."""
    global _last_emails
    last = _last_emails
    if last[0] is not text:
        last = _last_emails = (text, list(_email_matches(text, data)))
    return last[1]


def extract_emails(text: str) -> list[Mention]:
    """Every e-mail address, in text order, lower-cased; obfuscated "@" and "." are written plainly."""
    data = contact_data()
    return [
        Mention(
            value=_email_value(found, data),
            evidence=make_evidence(text, found.start(), found.end()),
            rule="email.plain" if found.group("at") == "@" else "email.obfuscated",
        )
        for found in _document_emails(text, data)
    ]


def _url_end(text: str, start: int, end: int) -> int:
    """End of the URL without trailing punctuation and unbalanced closing brackets."""
    while end > start:
        last = text[end - 1]
        opening = _CLOSING_BRACKETS.get(last)
        unbalanced = opening is not None and text.count(opening, start, end) < text.count(last, start, end)
        if last not in _URL_TRAILING and not unbalanced:
            return end
        end -= 1
    return end


def _url_spans(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the addresses, as ``finditer`` of the case-blind pattern finds them in ``text``: at the
    leftmost place where one starts, then on from its end."""
    lowered = lower_same_length(text)  # lower_same_length keeps the document's copy
    return ((start, found.end()) for start, found in matches_at_openings(lowered, _URL_OPENINGS))


def extract_urls(text: str) -> list[Mention]:
    """Every web address (``http(s)://...`` or ``www....``), in text order, as printed."""
    urls: list[Mention] = []
    for start, found_end in _url_spans(text):
        end = _url_end(text, start, found_end)
        if _URL_HOST.match(text, start, end) is None:
            continue
        rule = "url.www" if text[start] in "wW" else "url.scheme"
        evidence = make_evidence(text, start, end)
        urls.append(Mention(value=evidence.text, evidence=evidence, rule=rule))
    return urls


# --- public: contact persons ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Name:
    start: int
    end: int
    rule: str


def _is_person(name: str, data: ContactData, after_list_separator: bool) -> bool:
    words = [word.lower() for word in name.split()]
    if any(word.startswith(data.organisation_stems) for word in words):
        return False
    # "contact Anca Covrigova, Head Methodologist": after a comma a role may follow, not a second person
    return not (after_list_separator and any(word.startswith(data.role_stems) for word in words))


def _names(text: str, data: ContactData) -> Iterator[_Name]:
    for cue in data.cues.scan(text):
        found = data.person.match(text, cue.end)
        if found is None:
            continue
        if not _is_person(found.group("name"), data, after_list_separator=False):
            continue
        yield _Name(found.start("name"), found.end("name"), "contact.cue")
        position = found.end("name")
        while (following := data.next_person.match(text, position)) is not None:
            if not _is_person(following.group("name"), data, after_list_separator=True):
                break
            yield _Name(following.start("name"), following.end("name"), "contact.list")
            position = following.end("name")


def _email_after(
    text: str, name: _Name, limit: int, emails: list[re.Match[str]], email_starts: list[int]
) -> re.Match[str] | None:
    """The first e-mail after the name, before ``limit`` and the end of the sentence.

    ``emails`` are in text order and never overlap (their ends rise with their starts), so the first
    one starting after the name is the only candidate: a look-up, not a walk through all of them.
    """
    sentence_end = _SENTENCE_END.search(text, name.end, limit)
    end = sentence_end.start() + 1 if sentence_end is not None else limit
    index = bisect_left(email_starts, name.end)
    if index < len(emails) and emails[index].end() <= end:
        return emails[index]
    return None


def extract_contact_persons(text: str, language: str) -> list[ContactPerson]:
    """Persons named after a contact cue, in text order, each with the e-mail that follows in its sentence.

    The evidence runs from the name to the e-mail when one is attached. ``language`` is a hint only.
    """
    data = contact_data()
    names = list(_names(text, data))
    if not names:
        return []
    emails = _document_emails(text, data)
    email_starts = [found.start() for found in emails]
    persons: list[ContactPerson] = []
    for index, name in enumerate(names):
        limit = min(len(text), name.end + data.email_window)
        if index + 1 < len(names):
            limit = min(limit, names[index + 1].start)
        email = _email_after(text, name, limit, emails, email_starts)
        end = email.end() if email is not None else name.end
        persons.append(
            ContactPerson(
                name=text[name.start : name.end],
                email=_email_value(email, data) if email is not None else None,
                evidence=make_evidence(text, name.start, end),
                rule=name.rule,
            )
        )
    return persons
