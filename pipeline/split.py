"""Split a normalised document into segments: title, key-value lines, paragraphs, bullets, sentences.

Sentences come from spaCy's tokenizer with a rule-based boundary component that knows Czech, Slovak
and English abbreviations, legal forms written with spaces (``z. s.``, ``o. p. s.``) and numeric dates
(``21. 9. 2021``), where a plain sentencizer would cut. ``split`` applies the same rules to the token
attributes read as arrays, tokenizing all paragraphs and bullets of a document in one call.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from spacy.attrs import IDX, IS_LOWER, IS_SPACE, LENGTH, LIKE_NUM, SPACY
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from pipeline.language import LAST_BMP_CHARACTER, TextScores, detect_span
from pipeline.lexicon import LexiconError, load_data
from pipeline.models import Segment

BULLET = "•"
MAX_TITLE_CHARS = 200
_SENTENCE_END = frozenset({".", "!", "?", "…", "?!"})
_CLOSING = frozenset({'"', "'", ")", "]"})
_AFTER_WHICH = _SENTENCE_END | _CLOSING  # token texts after which a sentence may start
# a day or month number at the end of a token ("21", "2012–31")
_DAY = re.compile(r"(?:^|\D)(?:0?[1-9]|[12]\d|3[01])$")
_LINE = re.compile(r"[^\n]*")
# the characters without which no token can end a sentence (see _starts_sentence)
_BOUNDARY_MARKS = (*sorted(set("".join(_SENTENCE_END))), "\n")


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

# token attributes read in one call: reading them token by token through spaCy's Token objects cost
# ten times the tokenizer itself
_ROW_ATTRIBUTES = [IDX, LENGTH, SPACY, IS_LOWER, IS_SPACE]  # LIKE_NUM is read for the rare token that needs it
_LEXEME_FLAGS = (IS_LOWER, IS_SPACE, LIKE_NUM)  # the flags the rules read, which a word's lexeme holds
# Texts tokenized together are joined with a white-space run that does not start with a space: spaCy
# makes it a token of its own and tokenizes each text exactly as it would alone (its tokenizer cuts the
# string at white space first, and a text's last token keeps its "no space after"). Without a line
# break, the token after it is no candidate for a sentence start; and it is no special case of the
# tokenizer (after a special case, spaCy stops caching the tokens of new strings in that call).
_TEXT_SEPARATOR = "\t\t"


# spaCy's tokenizer takes prefixes and suffixes off a token one at a time, re-reading the rest each
# time: quadratic in a run of thousands of brackets or dots. In runs without white space longer than
# any word or address, the marks in the middle are replaced (same length, so offsets hold) by a caseless
# letter that is no affix; the ends, where sentence marks sit, are kept as they are.
_LONG_RUN_CHARACTERS = 200
_LONG_RUN = re.compile(rf"\S{{{_LONG_RUN_CHARACTERS},}}")
_RUN_ENDS_KEPT = 8
_MARK = re.compile(r"[^\w]")
_CASELESS_LETTER = "\u4e00"


def _mask_middle(run: re.Match[str]) -> str:
    text = run.group()
    middle = _MARK.sub(_CASELESS_LETTER, text[_RUN_ENDS_KEPT:-_RUN_ENDS_KEPT])
    return text[:_RUN_ENDS_KEPT] + middle + text[-_RUN_ENDS_KEPT:]


@dataclass(frozen=True, slots=True)
class _TokenRows:
    """The tokens of one text as parallel lists: what the sentence rules look at (flags are 0 or 1); the
    Doc for an attribute read for few tokens."""

    doc: Doc
    starts: list[int]
    texts: list[str]
    space_after: list[int]  # spaCy's ``whitespace_``: a space follows the token
    is_lower: list[int]
    is_space: list[int]


def _token_rows(doc: Doc, text: str) -> _TokenRows:
    """The rows of ``doc``, the tokens of ``text``."""
    if len(doc) == 0:
        return _TokenRows(doc, [], [], [], [], [])
    starts, lengths, space_after, is_lower, is_space = doc.to_array(_ROW_ATTRIBUTES).T.tolist()
    texts = [text[start : start + length] for start, length in zip(starts, lengths)]
    return _TokenRows(doc, starts, texts, space_after, is_lower, is_space)


def _continues_sentence(rows: _TokenRows, i: int, first: int, abbreviations: frozenset[str]) -> bool:
    """True when the sentence-final mark before token ``i`` does not end the sentence.

    ``first``: the first token the rules may read (tokens before it belong to another text).
    """
    token_text, token_is_lower = rows.texts[i], bool(rows.is_lower[i])
    if rows.texts[i - 1] == "." and i - 2 >= first and not rows.space_after[i - 2]:
        word = rows.texts[i - 2].lower()
        if word in abbreviations or (len(word) == 1 and word.isalpha()):
            return True
        # "21. 9. 2021", "1. 4. 2012–31. 3. 2013": a day or month number followed by another number
        if _is_day_number(word) and (token_text[:1].isdigit() or token_is_lower or rows.doc[i].like_num):
            return True  # or "27. února", "7. júna"
    return token_is_lower


def _is_day_number(word: str) -> bool:
    """Does ``word`` end with a day or month number (``_DAY``)."""
    # _DAY ends with a decimal digit: other words are known at once, without a search from every position
    return word[-1:].isdecimal() and _DAY.search(word) is not None


def _starts_sentence(rows: _TokenRows, i: int, first: int, abbreviations: frozenset[str]) -> bool:
    """Does a sentence start at token ``i`` (> ``first``, the first token the rules may read)."""
    texts = rows.texts
    previous = texts[i - 1]
    if "\n" in previous and rows.is_space[i - 1]:
        return not rows.is_lower[i] or "\n\n" in previous
    if texts[i] in _CLOSING and not rows.space_after[i - 1]:
        return False  # a closing quote or bracket stays with its sentence
    if previous in _SENTENCE_END:
        return not rows.is_space[i] and not _continues_sentence(rows, i, first, abbreviations)
    if previous in _CLOSING and i - 2 >= first and texts[i - 2] in _SENTENCE_END and not rows.space_after[i - 2]:
        return not rows.is_space[i] and not rows.is_lower[i]
    return False


def _candidate_tokens(rows: _TokenRows) -> list[int]:
    """The tokens (but the first) that may start a sentence: those after a sentence-final mark, a closing
    mark or a line break; the others need no look."""
    texts, is_space = rows.texts, rows.is_space
    return [
        i for i in range(1, len(texts)) if texts[i - 1] in _AFTER_WHICH or (is_space[i - 1] and "\n" in texts[i - 1])
    ]


def _sentence_start_tokens(rows: _TokenRows, abbreviations: frozenset[str]) -> list[int]:
    """Indices of the tokens sentences start at: the first, and those the rules above pick."""
    return [0] * min(len(rows.texts), 1) + [
        i for i in _candidate_tokens(rows) if _starts_sentence(rows, i, 0, abbreviations)
    ]


@cache
def _nlp() -> Language:
    import spacy

    abbreviations = segmentation_data().abbreviations

    @Language.component("report_sentences")
    def report_sentences(doc: Doc) -> Doc:
        starts = set(_sentence_start_tokens(_token_rows(doc, doc.text), abbreviations))
        for i, token in enumerate(doc):
            token.is_sent_start = i in starts
        return doc

    nlp = spacy.blank("xx")
    # The first time the vocabulary meets a string, spaCy builds its lexeme by calling every attribute
    # getter of the language on it: 23 Python functions, five times the cost of the rest. Names, numbers
    # and amounts make most words of a document new, so only the flags the rules read are worked out.
    getters = nlp.vocab.lex_attr_getters
    nlp.vocab.lex_attr_getters = {attribute: getters[attribute] for attribute in _LEXEME_FLAGS}
    nlp.tokenizer.suffix_search = _suffix_pattern(tuple(nlp.Defaults.suffixes)).search
    nlp.tokenizer.infix_finditer = _infix_pattern(tuple(nlp.Defaults.infixes)).finditer
    nlp.add_pipe("report_sentences")
    return nlp


# --- the tokenizer's affix searches ---------------------------------------------------------------
#
# spaCy's tokenizer looks for a suffix and for infixes in every token it has not met before, with one
# search each over all the language's affix expressions: the engine tries every position with every
# expression in turn. Written so that each try is cheap, the same searches find the same matches:
# - an expression for one character of a large set that reaches beyond the Basic Multilingual Plane
#   (the symbols) is tested range by range; its characters within the plane, listed, are one table
#   look-up, and the rest is tried only at a character beyond the plane;
# - an expression that opens with a look-behind is tried in full at every position; with its first
#   character ahead of the look-behind ("(?<=[0-9])\." as "\.(?<=[0-9]\.)") the try ends at once
#   where that character is not;
# - a suffix ends with the token ("$"), so the suffix that matches at the leftmost position does not
#   change the match: the suffixes of one character are merged into one set.

_BEYOND_BMP_AHEAD = "(?=[\\U00010000-\\U0010FFFF])"
# one character standing for itself ("…", "\!") or a set of characters ("[:<>=/]")
_ONE_CHARACTER = re.compile(r"[^\\.^$*+?{}\[\]|()]|\\[^0-9A-Za-z]|\[(?:\\.|[^\\\[\]])*\]", re.DOTALL)
_QUANTIFIERS = frozenset("*+?{")


@cache
def _suffix_pattern(suffixes: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern whose search finds what ``spacy.util.compile_suffix_regex(suffixes).search`` finds."""
    pieces = [piece for piece in suffixes if piece.strip()]
    single = [piece for piece in pieces if _ONE_CHARACTER.fullmatch(piece)]
    alternatives = [_character_first(piece) for piece in pieces if not _ONE_CHARACTER.fullmatch(piece)]
    if single:
        beyond_bmp = _BEYOND_BMP_AHEAD + "(?:" + "|".join(single) + ")"
        alternatives = [_bmp_set("|".join(single)), beyond_bmp, *alternatives]
    return re.compile("|".join(piece + "$" for piece in alternatives))


@cache
def _infix_pattern(infixes: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern whose finditer finds what ``spacy.util.compile_infix_regex(infixes).finditer`` finds
    (the expressions stay in their order: at one position, the first that matches decides the length)."""
    alternatives: list[str] = []
    for piece in (piece for piece in infixes if piece.strip()):
        if piece.startswith("[") and _ONE_CHARACTER.fullmatch(piece):
            alternatives += [_bmp_set(piece), _BEYOND_BMP_AHEAD + piece]
        else:
            alternatives.append(_character_first(piece))
    return re.compile("|".join(alternatives))


def _bmp_set(expression: str) -> str:
    """A character set of the characters of the Basic Multilingual Plane that ``expression`` (of one
    character) matches; a set that matches nothing when there are none."""
    found = sorted(set(re.findall(expression, "".join(map(chr, range(LAST_BMP_CHARACTER + 1))))))
    return "[" + "".join(map(re.escape, found)) + "]" if found else "(?!)"


def _character_first(expression: str) -> str:
    """``expression`` with the look-behind it opens with moved after the character that follows it
    ("(?<=[0-9])\\." as "\\.(?<=[0-9]\\.)"), or as it is when it has no such shape."""
    if not expression.startswith("(?<="):
        return expression
    for end in (index for index, character in enumerate(expression) if character == ")"):
        try:
            re.compile(expression[: end + 1])  # the look-behind's own closing parenthesis
        except re.error:
            continue
        rest = expression[end + 1 :]
        character = _ONE_CHARACTER.match(rest)
        if character is None or rest[character.end() : character.end() + 1] in _QUANTIFIERS:
            return expression
        first = character.group()
        moved = first + "(?<=" + expression[4:end] + first + ")" + rest[character.end() :]
        try:
            re.compile(moved)
        except re.error:
            return expression  # e.g. a look-behind of more than one width
        return moved
    return expression


# spaCy keeps every string it has seen in its vocabulary, so over a long run memory grows with every
# new name and number. Past this many entries the pipeline is built afresh (tokens do not depend on
# what the vocabulary holds, so results stay the same).
MAX_VOCABULARY = 100_000


def _tokenizer() -> Tokenizer:
    if len(_nlp().vocab) > MAX_VOCABULARY:
        _nlp.cache_clear()
    return _nlp().tokenizer


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (white space trimmed, empty ones dropped)."""
    return sentence_spans_of([text])[0]


def sentence_spans_of(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """``sentence_spans`` of each text, the stretches needing the tokenizer tokenized together.

    The same boundaries as running the pipeline's "report_sentences" component on each text and
    reading ``doc.sents``, without tokenizing the stretches where no sentence can start (see
    ``_windows``) and without writing boundaries into a Doc and reading them back token by token.
    """
    return [_trimmed_spans(text, [0, *starts]) for text, starts in zip(texts, _sentence_starts_of(texts))]


def _sentence_starts_of(texts: Sequence[str]) -> list[list[int]]:
    """Per text: the offsets at which the rules start a sentence, but the first sentence."""
    windows: list[tuple[int, int, int]] = []  # (text index, start, end) in the text
    for index, text in enumerate(texts):
        windows.extend((index, start, end) for start, end in _windows(text))
    starts: list[list[int]] = [[] for _ in texts]
    if windows:
        for index, start in _window_sentence_starts(texts, windows):
            starts[index].append(start)
    return starts


def _window_sentence_starts(texts: Sequence[str], windows: list[tuple[int, int, int]]) -> Iterator[tuple[int, int]]:
    """(text index, offset in the text) of the sentence starts the rules find in ``windows``, in order.

    The windows are tokenized in one call, and the rules run over the tokens of all of them at once.
    A window starts at a chunk's start, so the token before its first token is white space or is
    followed by a space: the rules, which read the token two before only when it is glued to the one
    before, read nothing before the window for a token after its first (they are told where it starts).
    """
    joined = _TEXT_SEPARATOR.join(texts[index][start:end] for index, start, end in windows)
    # windows shorter than a long run hold none: most texts need no search for one
    long_runs = any(end - start >= _LONG_RUN_CHARACTERS for _, start, end in windows)
    rows = _token_rows(_tokenizer()(_LONG_RUN.sub(_mask_middle, joined) if long_runs else joined), joined)
    # per window: its offset in the joined text and its first token
    offsets = list(accumulate((end - start + len(_TEXT_SEPARATOR) for _, start, end in windows), initial=0))
    firsts = [bisect_left(rows.starts, offset) for offset in offsets[:-1]]
    abbreviations = segmentation_data().abbreviations
    for i in _candidate_tokens(rows):
        window = bisect_right(firsts, i) - 1
        index, start, end = windows[window]
        first, offset = firsts[window], offsets[window]
        if i > first and rows.starts[i] < offset + end - start and _starts_sentence(rows, i, first, abbreviations):
            yield index, start + rows.starts[i] - offset


# Chunks are runs of characters without white space: spaCy tokenizes each one on its own. Chunks
# before a position are read on the reversed text (a regular expression reads forwards only).
_CHUNK_REST = re.compile(r"\S*")
_NEXT_CHUNK = re.compile(r"\s+(\S+)")
# the rest of a chunk (group 1) and the chunk after it, if any: one match instead of one for each
_CHUNK_REST_AND_NEXT = re.compile(r"(\S*)(?:\s+\S+)?")
_CHUNK_AFTER_SPACE = re.compile(r"\s*\S+")


def _windows(text: str) -> list[tuple[int, int]]:
    """The stretches of ``text`` the sentence rules must see tokenized, each from a chunk's start to a
    chunk's end (so each is tokenized as within the whole text), in order and apart.

    A sentence starts only at a token right after a sentence-final mark (or after a closing mark glued
    to one) or after white space holding a line break. So: a chunk with a sentence-final mark and the
    chunk after it (its first token may start the sentence); and the two chunks on either side of each
    line break. The rules also read the token two before, but only when it is glued to the one before,
    so in the same chunk (see ``_window_sentence_starts``). Each character is read a bounded number of
    times.
    """
    backwards = text[::-1]
    size = len(text)
    pieces: list[tuple[int, int]] = []
    # Each mark character is looked for on its own (str.find reads a text many times faster than a
    # search for a set of characters); the stretches of all of them are merged after.
    for mark in _BOUNDARY_MARKS:
        position = text.find(mark)
        while position >= 0:
            if mark == "\n":
                after = _NEXT_CHUNK.match(text, position)
                if after is None:
                    break  # only white space follows: no sentence can start
                settled, end = after.start(1), after.end()
                before = _CHUNK_AFTER_SPACE.match(backwards, size - position)
                start = size - before.end() if before is not None else after.start(1)
            else:
                after = _CHUNK_REST_AND_NEXT.match(text, position)
                settled, end = after.end(1), after.end()
                if end == position + 1:
                    break  # the text's last mark, with no token after it: no sentence can start
                start = size - _CHUNK_REST.match(backwards, size - position).end()
            pieces.append((start, end))
            # marks before ``settled`` need nothing more (same chunk, or same white space)
            position = text.find(mark, settled)
    pieces.sort()
    windows: list[list[int]] = []
    for start, end in pieces:
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        else:
            windows.append([start, end])
    return [(start, end) for start, end in windows]


def _trimmed_spans(text: str, starts: Sequence[int]) -> list[tuple[int, int]]:
    """The spans from each start to the next, white space trimmed, empty ones dropped."""
    spans: list[tuple[int, int]] = []
    for start, end in zip(starts, [*starts[1:], len(text)]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


# --- lines and blocks -------------------------------------------------------------------------------


def _is_label(text: str, data: SegmentationData) -> re.Match[str] | None:
    # a label starts the line with an upper-case letter and a colon follows it: most lines fail these
    # checks at once, where the pattern would try every label length
    if not text[:1].isupper() or ":" not in text:
        return None
    match = _label_pattern().match(text)
    if match is None:
        return None
    label = match.group("label")
    if len(label.split()) > data.max_label_words or not label[:1].isupper():
        return None
    return match


def _blocks(counted: TextScores, document_language: str) -> Iterator[Segment]:
    """Title, key-value, bullet and paragraph segments, in text order."""
    text = counted.text
    data = segmentation_data()
    title_done = False
    pending_label: tuple[str, int] | None = None  # a "Label:" line waiting for its value, and its start
    list_label: str | None = None  # label that bullets below it belong to
    paragraph: list[int] = []  # start and end of the paragraph being read, when there is one

    def paragraph_segment() -> Segment:
        start, end = paragraph
        paragraph.clear()
        return _segment("paragraph", counted, start, end, document_language)

    # lines are read as (offset, text) without building an object per line
    line_end = -1
    for line in text.split("\n"):
        line_start = line_end + 1
        line_end = line_start + len(line)
        stripped = line.strip()
        if not stripped:
            if paragraph:
                yield paragraph_segment()
            continue
        start = line_start + line.find(stripped[0])  # only white space comes before the first such character
        if not title_done:
            title_done = True
            if len(stripped) <= MAX_TITLE_CHARS:
                yield _segment("title", counted, start, line_end, document_language)
                continue
        if stripped.startswith(BULLET):
            if paragraph:
                yield paragraph_segment()
            if pending_label is not None:
                list_label, pending_label = pending_label[0], None
            bullet_start = start + len(BULLET)
            yield _segment("bullet", counted, bullet_start, line_end, document_language, label=list_label)
            continue
        match = _is_label(stripped, data)
        if match is not None and match.group("value") is None:
            if paragraph:
                yield paragraph_segment()
            pending_label = (match.group("label").strip(), line_start)
            list_label = pending_label[0]
            continue
        if pending_label is not None:
            label, label_start = pending_label
            pending_label = None
            yield _segment(
                "key_value", counted, label_start, line_end, document_language, label=label, value_start=start
            )
            continue
        if match is not None:
            if paragraph:
                yield paragraph_segment()
            value_start = start + match.start("value")
            yield _segment(
                "key_value", counted, start, line_end, document_language,
                label=match.group("label").strip(), value_start=value_start,
            )
            list_label = None
            continue
        list_label = None
        if paragraph and not stripped[:1].islower():
            yield paragraph_segment()
        if paragraph:
            paragraph[1] = line_end
        else:
            paragraph.extend((start, line_end))
    if paragraph:
        yield paragraph_segment()


_validate_segment = Segment.__pydantic_validator__.validate_python


def _segment(
    kind: str,
    counted: TextScores,
    start: int,
    end: int,
    document_language: str,
    label: str | None = None,
    value_start: int | None = None,
) -> Segment:
    text = counted.text
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return _trimmed_segment(kind, counted, start, end, document_language, label, value_start)


def _trimmed_segment(
    kind: str,
    counted: TextScores,
    start: int,
    end: int,
    document_language: str,
    label: str | None = None,
    value_start: int | None = None,
) -> Segment:
    """``_segment`` of a span known to hold no white space at either end."""
    language = detect_span(counted, start, end, document_language)
    # the model's validator called with a dict: a third faster than keyword arguments, same model; a
    # field left out takes its default (None) without being validated
    fields: dict[str, str | int] = {"kind": kind, "start": start, "end": end, "language": language}
    if label is not None:
        fields["label"] = label
    if value_start is not None:
        fields["value_start"] = value_start
    return _validate_segment(fields)


def split(text: str, document_language: str, counted: TextScores | None = None) -> list[Segment]:
    """All segments of ``text``: blocks in text order, then the sentences of paragraphs and bullets.

    ``counted``: the language counts of ``text`` when the caller has them already.
    """
    counted = counted if counted is not None and counted.text == text else TextScores(text)
    blocks = list(_blocks(counted, document_language))
    block_texts = [text[block.start : block.end] for block in blocks if block.kind in ("paragraph", "bullet")]
    starts = iter(zip(block_texts, _sentence_starts_of(block_texts)))
    segments: list[Segment] = []
    for block in blocks:
        segments.append(block)
        if block.kind in ("paragraph", "bullet"):
            block_text, block_starts = next(starts)
            if not block_starts:
                continue  # one sentence: the block itself (a block is trimmed), not repeated
            offset, length, language = block.start, block.end - block.start, block.language
            segments.extend(
                _trimmed_segment("sentence", counted, offset + start, offset + end, language)
                for start, end in _trimmed_spans(block_text, [0, *block_starts])  # trimmed spans
                if end - start < length
            )
    return segments
