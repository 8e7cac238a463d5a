"""Language identification: the document's language and each segment's.

Function words and letters that only Czech or only Slovak uses decide between the three supported
languages; lingua (restricted to cs/sk/en, low-accuracy mode: small and fast) breaks ties on short
text; langdetect (seeded, so deterministic) names the language of texts that are none of the three.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

from pipeline.lexicon import LexiconError, load_data

UNKNOWN = "und"
_WORD = re.compile(r"[^\W\d_]+")


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
    return LanguageData(supported, profiles, shared, share, min_words)


@cache
def _lingua_detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.CZECH, Language.SLOVAK, Language.ENGLISH)
        .with_low_accuracy_mode()
        .with_preloaded_language_models()
        .build()
    )


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


def score_function_words(text: str) -> tuple[Counter[str], int]:
    """Per language: function-word hits plus marker letters; and the number of words."""
    data = language_data()
    words = [w.lower() for w in _WORD.findall(text)]
    scores: Counter[str] = Counter()
    for profile in data.profiles:
        scores[profile.code] = sum(1 for w in words if w in profile.words)
        scores[profile.code] += sum(text.count(letter) for letter in profile.letters)
    scores["slavic"] = sum(1 for w in words if w in data.shared_slavic_words)
    return scores, len(words)


def detect(text: str) -> LanguageGuess | None:
    """The language of ``text``, or None when the text is too short to tell."""
    data = language_data()
    scores, word_count = score_function_words(text)
    if word_count < data.min_words:
        return None
    slavic = scores["cs"] + scores["sk"] + scores["slavic"]
    english = scores["en"]
    winner_share = max(slavic, english) / word_count
    if winner_share < data.min_function_word_share:
        # too few function words of cs/sk/en: another language (or a list of names)
        if word_count < 10:
            return None
        return LanguageGuess(_langdetect_code(text), 0.5, "langdetect")
    if english > slavic:
        return LanguageGuess("en", english / (english + slavic), "function_words")
    cs, sk = scores["cs"], scores["sk"]
    if cs != sk and max(cs, sk) >= 2 * min(cs, sk) and max(cs, sk) >= 2:
        code = "cs" if cs > sk else "sk"
        return LanguageGuess(code, max(cs, sk) / (cs + sk), "function_words")
    return LanguageGuess(_lingua_choice(text, ("cs", "sk")), 0.5, "lingua")


def detect_document(text: str) -> str:
    """The language code of a whole document's body text (``und`` when there is no text)."""
    guess = detect(text)
    return guess.code if guess else UNKNOWN


def detect_segment(text: str, document_language: str) -> str:
    """A segment's language; short segments take the document's language."""
    guess = detect(text)
    if guess is None or guess.method == "langdetect":
        return document_language
    return guess.code
