"""Language identification: the document's language and each segment's.

Function words and letters that only Czech or only Slovak uses decide between the three supported
languages; lingua (restricted to cs/sk/en, low-accuracy mode: small and fast) breaks a Czech/Slovak
tie in a document (a tied segment of a Czech or Slovak document keeps the document's language);
langdetect (seeded, so deterministic) names the language of texts that are none of the three.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, compress
from typing import NamedTuple

import numpy as np

from pipeline.folding import lower_per_character
from pipeline.lexicon import LexiconError, load_data

UNKNOWN = "und"
# a word: letters (alphanumerics that are not decimal digits); captured, so splitting keeps the words
_WORD_PIECES = re.compile(r"([^\W\d_]+)")
_BEYOND_BMP = re.compile("[^\x00-\uffff]")
LAST_BMP_CHARACTER = 0xFFFF  # the last character of the Basic Multilingual Plane


@cache
def _bmp_word_pieces() -> re.Pattern[str]:
    """``_WORD_PIECES`` for texts within the Basic Multilingual Plane: its letters listed as ranges, which
    the regular expression engine looks up in a table instead of asking each character's category
    (twice as fast)."""
    letter = re.compile(r"[^\W\d_]")
    letters = [code for code in range(LAST_BMP_CHARACTER + 1) if letter.match(chr(code))]
    ranges: list[tuple[int, int]] = []
    for code in letters:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    listed = "".join(re.escape(chr(first)) + "-" + re.escape(chr(last)) for first, last in ranges)
    return re.compile(f"([{listed}]+)")


@cache
def _bmp_letters() -> np.ndarray:
    """Per code point of the Basic Multilingual Plane: 1 when ``_WORD_PIECES`` reads it as a letter, else 0."""
    return np.fromiter((_is_letter(chr(code)) for code in range(LAST_BMP_CHARACTER + 1)), np.int8)


def _word_bounds(text: str) -> tuple[list[int], list[int]] | None:
    """The starts and the ends of the words of ``text`` (``_WORD_PIECES``), or None when it holds a
    character beyond the Basic Multilingual Plane."""
    arrays = _word_arrays(text)
    return None if arrays is None else (arrays.starts.tolist(), arrays.ends.tolist())


class _WordArrays(NamedTuple):
    starts: np.ndarray
    ends: np.ndarray
    first_units: np.ndarray  # the code unit each word starts with


def _word_arrays(text: str) -> _WordArrays | None:
    """``_word_bounds`` as arrays, with the first code unit of each word; None beyond the plane.

    The letters are looked up as an array of code units: no string per word or gap is built. The text
    is read a block at a time, so what is made on the way stays in the CPU's cache however long the
    text is: the time grows linearly with it.
    """
    table = _bmp_letters()
    size = len(text)
    changes: list[np.ndarray] = []
    first_units: list[np.ndarray] = []
    found_so_far = 0
    for start in range(0, max(size, 1), _BOUNDS_BLOCK):
        end = min(start + _BOUNDS_BLOCK, size)
        # with the character before the block (a non-letter before the text) and, for the last block, a
        # non-letter after the text: each change between letter and non-letter is then a word's start or
        # end, alternately, at the offset of the character after the change
        block = (text[start - 1] if start else "\0") + text[start:end] + ("\0" if end == size else "")
        encoded = block.encode("utf-16-le", "surrogatepass")
        if len(encoded) != 2 * len(block):
            return None  # a character beyond the plane takes two code units
        units = np.frombuffer(encoded, np.uint16)
        letters = table.take(units)
        found = (letters[1:] != letters[:-1]).nonzero()[0]
        # the changes at even places of the whole text's count are starts; a start's character follows it
        first_units.append(units[found[found_so_far % 2 :: 2] + 1])
        changes.append(found + start if start else found)
        found_so_far += len(found)
    every = changes[0] if len(changes) == 1 else np.concatenate(changes)
    firsts = first_units[0] if len(first_units) == 1 else np.concatenate(first_units)
    return _WordArrays(every[0::2], every[1::2], firsts)


_BOUNDS_BLOCK = 1 << 16  # characters


def _word_pieces(text: str) -> list[str]:
    """``text`` cut into [gap, word, gap, word, ..., gap] by ``_WORD_PIECES``."""
    pattern = _bmp_word_pieces() if _BEYOND_BMP.search(text) is None else _WORD_PIECES
    return pattern.split(text)


@dataclass(frozen=True, slots=True)
class LanguageProfile:
    """Function words and marker letters of one language."""

    code: str
    words: frozenset[str]
    letters: frozenset[str]


@dataclass(frozen=True, slots=True)
class LanguageData:
    supported: tuple[str, ...]
    profiles: tuple[LanguageProfile, ...]
    shared_slavic_words: frozenset[str]
    min_function_word_share: float
    min_words: int
    score_keys: dict[str, tuple[str, ...]]  # lower-cased function word -> the scores it counts for
    marker_letters: tuple[tuple[str, str], ...]  # (language, letter), in a fixed order
    function_word_starts: np.ndarray  # see _function_word_starts


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    code: str
    confidence: float
    method: str


@cache
def language_data() -> LanguageData:
    raw = load_data("language")
    try:
        supported = tuple(raw["supported"])
        profiles = tuple(
            LanguageProfile(code, frozenset(w.lower() for w in raw[code]["words"]), frozenset(raw[code]["letters"]))
            for code in supported
        )
        shared = frozenset(raw["cs_sk"]["words"])
        share = float(raw["min_function_word_share"])
        min_words = int(raw["min_words"])
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(f"language.toml: missing or malformed key {exc}") from exc
    by_code = {p.code: p for p in profiles}
    overlap = by_code["cs"].words & by_code["sk"].words
    if overlap:
        raise LexiconError(f"language.toml: words listed as both Czech and Slovak: {sorted(overlap)}")
    if any(not isinstance(letter, str) or not letter for profile in profiles for letter in profile.letters):
        raise LexiconError("language.toml: a marker letter is empty or not a string")
    marker_letters = tuple((profile.code, letter) for profile in profiles for letter in sorted(profile.letters))
    score_keys = _score_keys(profiles, shared)
    return LanguageData(
        supported, profiles, shared, share, min_words, score_keys, marker_letters, _function_word_starts(score_keys)
    )


def _score_keys(profiles: tuple[LanguageProfile, ...], shared: frozenset[str]) -> dict[str, tuple[str, ...]]:
    # one look-up per word instead of one per word and language
    keys: dict[str, list[str]] = {}
    for profile in profiles:
        for word in profile.words:
            keys.setdefault(word, []).append(profile.code)
    for word in shared:
        keys.setdefault(word, []).append("slavic")
    return {word: tuple(codes) for word, codes in keys.items()}


# the bit of function words of this many letters or more
_LONGEST_LENGTH_BIT = 62


def _function_word_starts(score_keys: dict[str, tuple[str, ...]]) -> np.ndarray:
    """Per code point of the Basic Multilingual Plane: bit n is set when a function word of n letters
    starts with its lower case (bit ``_LONGEST_LENGTH_BIT``: of that many letters or more)."""
    lengths_by_first: dict[str, int] = {}
    for word in score_keys:
        bit = 1 << min(len(word), _LONGEST_LENGTH_BIT)
        lengths_by_first[word[0]] = lengths_by_first.get(word[0], 0) | bit
    table = np.zeros(LAST_BMP_CHARACTER + 1, np.int64)
    for code in range(LAST_BMP_CHARACTER + 1):
        bits = lengths_by_first.get(chr(code).lower())
        if bits is not None:
            table[code] = bits
    return table


@cache
def _lingua_detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.CZECH, Language.SLOVAK, Language.ENGLISH)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


def load_tie_breaker() -> None:
    """Build lingua's detector now (a tenth of a second) rather than when a text first needs it."""
    _lingua_detector()


def _lingua_choice(text: str, candidates: tuple[str, ...]) -> str:
    values = _lingua_detector().compute_language_confidence_values(text)
    ranked = [v.language.iso_code_639_1.name.lower() for v in values]
    for code in ranked:
        if code in candidates:
            return code
    return candidates[0]


def _langdetect_code(text: str) -> str:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # langdetect is random unless seeded
    try:
        best = detect_langs(text[:5000])[0]
    except LangDetectException:
        return UNKNOWN
    return best.lang.split("-")[0]


class TextScores:
    """Function-word hits and marker letters of one text, counted once, for any span of it.

    Splitting scores every block and sentence of a document; counting the whole text once and
    reading a span's counts by bisection costs one pass instead of one per segment. Each score is kept
    as the sorted offsets of what counts for it (the starts of its function words, its marker letters):
    a span's score is then two bisections.
    """

    def __init__(self, text: str) -> None:
        data = language_data()
        self.text = text
        self._word_starts, self._word_ends, keyed_starts, keyed_words = _words(text)
        self._points = _score_points(text, keyed_words, keyed_starts, data)
        self._cs_sk_slavic_en = (self._points["cs"], self._points["sk"], self._points["slavic"], self._points["en"])
        # marker "letters" of several characters are counted per span: occurrences of such a string may
        # overlap, and str.count counts them from the span's start
        self._long_letters = tuple(
            (code, letter) for code, letter in data.marker_letters if len(letter) > 1 and letter in text
        )

    def _cuts_word(self, offset: int) -> bool:
        """True when ``offset`` falls inside a word (between two of its letters)."""
        return 0 < offset < len(self.text) and _is_letter(self.text[offset - 1]) and _is_letter(self.text[offset])

    def scores(self, start: int = 0, end: int | None = None) -> tuple[dict[str, int], int]:
        """Per language: function-word hits plus marker letters in ``text[start:end]``; and its number of words.

        ``0 <= start <= end <= len(text)``.
        """
        end = len(self.text) if end is None else end
        if self._cuts_word(start) or self._cuts_word(end):
            return TextScores(self.text[start:end]).scores()  # the span's own words differ: count it alone
        scores = {key: bisect_left(points, end) - bisect_left(points, start) for key, points in self._points.items()}
        for code, letter in self._long_letters:
            scores[code] += self.text.count(letter, start, end)
        return scores, bisect_left(self._word_starts, end) - bisect_left(self._word_starts, start)

    def span_counts(self, start: int, end: int, min_words: int = 0) -> tuple[int, int, int, int, int] | None:
        """``scores(start, end)`` as (words, cs, sk, slavic, en): what ``_decide`` reads, without a dict.

        None when the span has fewer than ``min_words`` words: its scores are not needed then.
        """
        starts, ends = self._word_starts, self._word_ends
        first, stop = bisect_left(starts, start), bisect_left(starts, end)
        # an offset cuts a word when the last word starting before it ends after it (see _cuts_word)
        if (first and start < ends[first - 1]) or (stop and end < ends[stop - 1]) or self._long_letters:
            scores, words = self.scores(start, end)
            return (words, scores["cs"], scores["sk"], scores["slavic"], scores["en"]) if words >= min_words else None
        if stop - first < min_words:
            return None
        cs, sk, slavic, en = self._cs_sk_slavic_en
        return (
            stop - first,
            bisect_left(cs, end) - bisect_left(cs, start),
            bisect_left(sk, end) - bisect_left(sk, start),
            bisect_left(slavic, end) - bisect_left(slavic, start),
            bisect_left(en, end) - bisect_left(en, start),
        )


def _words(text: str) -> tuple[list[int], list[int], list[int], list[str]]:
    """The starts and ends of the words of ``text``; and the starts and lower-cased forms of the words
    that may be function words (by their length and first letter: the others are not looked up)."""
    arrays = _word_arrays(text)
    if arrays is None:
        # the text cut into [gap, word, gap, word, ..., gap]: word offsets come from the piece lengths
        pieces, words = _pieces_and_words(text)
        offsets = list(accumulate(map(len, pieces)))
        starts = offsets[0::2][:-1]
        return starts, offsets[1::2], starts, words
    starts, ends = arrays.starts.tolist(), arrays.ends.tolist()
    lowered = lower_per_character(text)
    if lowered is None:
        return starts, ends, starts, [text[start:end].lower() for start, end in zip(starts, ends)]
    # a slice of ``lowered`` is its word's own lower case, one character for one: a function word's
    # length and first letter are those of the word
    chosen = _may_be_function_words(arrays, language_data().function_word_starts)
    chosen_starts, chosen_ends = arrays.starts[chosen].tolist(), arrays.ends[chosen].tolist()
    return starts, ends, chosen_starts, [lowered[start:end] for start, end in zip(chosen_starts, chosen_ends)]


def _may_be_function_words(arrays: _WordArrays, function_word_starts: np.ndarray) -> np.ndarray:
    """The indices of the words whose length and lower-cased first letter are those of a function word
    (``function_word_starts``: see ``_function_word_starts``)."""
    lengths = np.minimum(arrays.ends - arrays.starts, _LONGEST_LENGTH_BIT)
    return ((function_word_starts.take(arrays.first_units) >> lengths) & 1).nonzero()[0]


def _pieces_and_words(text: str) -> tuple[list[str], list[str]]:
    """``text`` cut into [gap, word, gap, word, ..., gap] (or pieces of the same lengths), and its words
    lower-cased."""
    # Lower-casing the whole text gives each word's lower-case form when it maps every character to one
    # character (a test checks that letters stay letters).
    lowered = lower_per_character(text)
    if lowered is not None:
        pieces = _word_pieces(lowered)
        return pieces, pieces[1::2]
    pieces = _word_pieces(text)
    return pieces, list(map(str.lower, pieces[1::2]))


def _score_points(text: str, words: list[str], word_starts: list[int], data: LanguageData) -> dict[str, list[int]]:
    """Per score: the sorted offsets of its function words' starts and of its one-character marker letters.

    ``words``: words of ``text``, lower-cased, among them all its function words; ``word_starts``: theirs.
    """
    score_keys = data.score_keys
    points: dict[str, list[int]] = {code: [] for code in (*(p.code for p in data.profiles), "slavic")}
    keys = list(map(score_keys.get, words))
    # the loop runs over the function words only
    for start, codes in zip(compress(word_starts, keys), compress(keys, keys)):
        for code in codes:
            points[code].append(start)
    lettered: set[str] = set()
    for code, letter in data.marker_letters:
        if len(letter) == 1 and letter in text:
            points[code] += _offsets_of(text, letter)
            lettered.add(code)
    for code in lettered:
        points[code].sort()
    return points


def _offsets_of(text: str, character: str) -> list[int]:
    """The offsets of ``character`` in ``text``, ascending."""
    # text.split(character) leaves the pieces between occurrences: each occurrence sits one character
    # after the end of the piece before it
    return list(accumulate(map((1).__add__, map(len, text.split(character))), initial=-1))[1:-1]


def _is_letter(character: str) -> bool:
    """A character ``_WORD_PIECES`` reads as part of a word: ``[^\\W\\d_]`` is alphanumeric but not a decimal digit."""
    return character.isalnum() and not character.isdecimal()


def score_function_words(text: str) -> tuple[Counter[str], int]:
    """Per language: function-word hits plus marker letters; and the number of words."""
    scores, word_count = TextScores(text).scores()
    return Counter(scores), word_count


def detect(text: str) -> LanguageGuess | None:
    """The language of ``text``, or None when the text is too short to tell."""
    return _decide(TextScores(text), 0, len(text), name_other_languages=True)


def _decide(
    counted: TextScores, start: int, end: int, name_other_languages: bool, czech_or_slovak: str | None = None
) -> LanguageGuess | None:
    """The language of ``counted.text[start:end]`` from its counts; the identifiers only when they decide.

    ``czech_or_slovak``: the answer when the counts cannot tell Czech from Slovak (the language of the
    text around the span); without it, lingua decides.
    """
    verdict = _verdict(counted, start, end, name_other_languages, czech_or_slovak)
    return None if verdict is None else LanguageGuess(*verdict)


def _verdict(
    counted: TextScores, start: int, end: int, name_other_languages: bool, czech_or_slovak: str | None
) -> tuple[str, float, str] | None:
    """``_decide`` as a plain (code, confidence, method) tuple: built for every segment, it is quicker."""
    data = language_data()
    counts = counted.span_counts(start, end, data.min_words)
    if counts is None:
        return None  # too few words
    word_count, cs, sk, shared, english = counts
    slavic = cs + sk + shared
    # (conditional expressions rather than max and min: this runs for every segment)
    winner_share = (slavic if slavic >= english else english) / word_count
    if winner_share < data.min_function_word_share:
        # too few function words of cs/sk/en: another language (or a list of names)
        if word_count < 10:
            return None
        code = _langdetect_code(counted.text[start:end]) if name_other_languages else UNKNOWN
        return code, 0.5, "langdetect"
    if english > slavic:
        return "en", english / (english + slavic), "function_words"
    more, fewer = (cs, sk) if cs >= sk else (sk, cs)
    if cs != sk and more >= 2 * fewer and more >= 2:
        code = "cs" if cs > sk else "sk"
        return code, more / (cs + sk), "function_words"
    if czech_or_slovak is not None:
        return czech_or_slovak, 0.5, "context"
    return _lingua_choice(counted.text[start:end], ("cs", "sk")), 0.5, "lingua"


def detect_document(text: str) -> str:
    """The language code of a whole document's body text (``und`` when there is no text)."""
    return document_language(TextScores(text))


def document_language(counted: TextScores) -> str:
    """``detect_document`` of ``counted.text``, from counts the segments' detection reuses."""
    guess = _decide(counted, 0, len(counted.text), name_other_languages=True)
    return guess.code if guess else UNKNOWN


def detect_segment(text: str, document_language: str) -> str:
    """A segment's language; short segments, and segments in none of cs/sk/en, take the document's."""
    return detect_span(TextScores(text), 0, len(text), document_language)


def detect_span(counted: TextScores, start: int, end: int, document_language: str) -> str:
    """``detect_segment`` of ``counted.text[start:end]``, from counts made once for the whole text."""
    # The broad identifier's answer would be discarded here, so it is not asked. A segment of a Czech
    # or Slovak text whose words do not tell the two apart keeps the text's language: on a line or a
    # sentence, lingua's character statistics are a weaker guide than the whole text's function words.
    context = document_language if document_language in ("cs", "sk") else None
    verdict = _verdict(counted, start, end, False, context)
    if verdict is None or verdict[2] == "langdetect":
        return document_language
    return verdict[0]
