"""Split a normalised document into segments: title, key-value lines, paragraphs, bullets, sentences.

Sentences come from spaCy's tokenizer with a rule-based boundary component that knows Czech, Slovak
and English abbreviations, legal forms written with spaces (``z. s.``, ``o. p. s.``) and numeric dates
(``21. 9. 2021``), where a plain sentencizer would cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.language import detect_segment
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import Segment

BULLET = "•"
MAX_TITLE_CHARS = 200
_SENTENCE_END = frozenset({".", "!", "?", "…", "?!"})
_CLOSING = frozenset({'"', "'", ")", "]"})
# a day or month number at the end of a token ("21", "2012–31")
_DAY = re.compile(r"(?:^|\D)(?:0?[1-9]|[12]\d|3[01])$")
_LINE = re.compile(r"[^\n]*")


@dataclass(frozen=True, slots=True)
class SegmentationData:
    abbreviations: frozenset[str]
    max_label_words: int
    max_label_chars: int


@cache
def segmentation_data() -> SegmentationData:
    raw = load_data("segmentation")
    try:
        abbreviations = frozenset(
            word.lower().rstrip(".") for code in ("cs", "sk", "en") for word in raw[code]["abbreviations"]
        )
        labels = raw["labels"]
        return SegmentationData(abbreviations, int(labels["max_label_words"]), int(labels["max_label_chars"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(f"segmentation.toml: missing or malformed key {exc}") from exc


@cache
def _label_pattern() -> re.Pattern[str]:
    # "Label: value" or "Label:" alone: the label starts with an upper-case letter, holds no sentence
    # punctuation and is short; "13:15" and URLs cannot match.
    max_chars = segmentation_data().max_label_chars
    return re.compile(rf"^(?P<label>[^\W\d_][^:.!?\n]{{0,{max_chars - 1}}}?)[ ]?:(?:[ ]+(?P<value>\S[^\n]*))?$")


# --- sentences -------------------------------------------------------------------------------------


def _continues_sentence(doc: Doc, i: int, abbreviations: frozenset[str]) -> bool:
    """True when the sentence-final mark before token ``i`` does not end the sentence."""
    token = doc[i]
    mark = doc[i - 1]
    before = doc[i - 2] if i >= 2 else None
    if mark.text == "." and before is not None and not before.whitespace_:
        word = before.text.lower()
        if word in abbreviations or (len(word) == 1 and word.isalpha()):
            return True
        # "21. 9. 2021", "1. 4. 2012–31. 3. 2013": a day or month number followed by another number
        if _DAY.search(word) and (token.like_num or token.text[:1].isdigit()):
            return True
        if _DAY.search(word) and token.is_lower:
            return True  # "27. února", "7. júna"
    return token.is_lower


@cache
def _nlp() -> Language:
    import spacy

    abbreviations = segmentation_data().abbreviations

    @Language.component("report_sentences")
    def report_sentences(doc: Doc) -> Doc:
        for i, token in enumerate(doc):
            if i == 0:
                token.is_sent_start = True
                continue
            previous = doc[i - 1]
            if "\n" in previous.text and previous.is_space:
                token.is_sent_start = not token.is_lower or "\n\n" in previous.text
            elif token.text in _CLOSING and not previous.whitespace_:
                token.is_sent_start = False  # a closing quote or bracket stays with its sentence
            elif previous.text in _SENTENCE_END:
                token.is_sent_start = not token.is_space and not _continues_sentence(doc, i, abbreviations)
            elif previous.text in _CLOSING and i >= 2 and doc[i - 2].text in _SENTENCE_END and not doc[i - 2].whitespace_:
                token.is_sent_start = not token.is_space and not token.is_lower
            else:
                token.is_sent_start = False
        return doc

    nlp = spacy.blank("xx")
    nlp.add_pipe("report_sentences")
    return nlp


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (white space trimmed, empty ones dropped)."""
    spans: list[tuple[int, int]] = []
    for sentence in _nlp()(text).sents:
        start, end = sentence.start_char, sentence.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


# --- lines and blocks -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    start: int
    end: int
    text: str


def lines_of(text: str) -> list[Line]:
    lines: list[Line] = []
    offset = 0
    for raw_line in text.split("\n"):
        lines.append(Line(offset, offset + len(raw_line), raw_line))
        offset += len(raw_line) + 1
    return lines


def _is_label(text: str, data: SegmentationData) -> re.Match[str] | None:
    match = _label_pattern().match(text)
    if match is None:
        return None
    label = match.group("label")
    if len(label.split()) > data.max_label_words or not label[:1].isupper():
        return None
    return match


def _blocks(text: str, document_language: str) -> Iterator[Segment]:
    """Title, key-value, bullet and paragraph segments, in text order."""
    data = segmentation_data()
    title_done = False
    pending_label: tuple[str, Line] | None = None  # a "Label:" line waiting for its value
    list_label: str | None = None  # label that bullets below it belong to
    paragraph: list[Line] = []

    def flush_paragraph() -> Iterator[Segment]:
        if paragraph:
            start, end = paragraph[0].start, paragraph[-1].end
            yield _segment("paragraph", text, start, end, document_language)
            paragraph.clear()

    for line in lines_of(text):
        stripped = line.text.strip()
        if not stripped:
            yield from flush_paragraph()
            continue
        lead = len(line.text) - len(line.text.lstrip())
        start = line.start + lead
        if not title_done:
            title_done = True
            if len(stripped) <= MAX_TITLE_CHARS:
                yield _segment("title", text, start, line.end, document_language)
                continue
        if stripped.startswith(BULLET):
            yield from flush_paragraph()
            if pending_label is not None:
                list_label, pending_label = pending_label[0], None
            bullet_start = start + len(BULLET)
            yield _segment("bullet", text, bullet_start, line.end, document_language, label=list_label)
            continue
        match = _is_label(stripped, data)
        if match is not None and match.group("value") is None:
            yield from flush_paragraph()
            pending_label = (match.group("label").strip(), line)
            list_label = pending_label[0]
            continue
        if pending_label is not None:
            label, label_line = pending_label
            pending_label = None
            yield _segment(
                "key_value", text, label_line.start, line.end, document_language, label=label, value_start=start
            )
            continue
        if match is not None:
            yield from flush_paragraph()
            value_start = start + match.start("value")
            yield _segment(
                "key_value", text, start, line.end, document_language,
                label=match.group("label").strip(), value_start=value_start,
            )
            list_label = None
            continue
        list_label = None
        if paragraph and not stripped[:1].islower():
            yield from flush_paragraph()
        paragraph.append(Line(start, line.end, stripped))
    yield from flush_paragraph()


def _segment(
    kind: str,
    text: str,
    start: int,
    end: int,
    document_language: str,
    label: str | None = None,
    value_start: int | None = None,
) -> Segment:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    language = detect_segment(text[start:end], document_language)
    return Segment(
        kind=kind, start=start, end=end, language=language, label=label, value_start=value_start  # type: ignore[arg-type]
    )


def split(text: str, document_language: str) -> list[Segment]:
    """All segments of ``text``: blocks in text order, then the sentences of paragraphs and bullets."""
    blocks = list(_blocks(text, document_language))
    segments: list[Segment] = []
    for block in blocks:
        segments.append(block)
        if block.kind in ("paragraph", "bullet"):
            for start, end in sentence_spans(text[block.start : block.end]):
                if end - start < block.end - block.start:
                    segments.append(_segment("sentence", text, block.start + start, block.start + end, block.language))
    return segments
