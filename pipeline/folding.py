"""Folding text for comparison: diacritics and case away, in one place for every stage."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

try:  # the case pairs the regex engine adds when ignoring case ("s" also matches "ſ"): a private table
    from re._casefix import _EXTRA_CASES as _ENGINE_EXTRA_CASES
except ImportError:  # another Python: searches that need the table ignore case instead
    _ENGINE_EXTRA_CASES = None

# code point -> the code points the regex engine also takes for it ignoring case, beyond its upper and
# lower case; None where this Python does not have the table
REGEX_EXTRA_CASES: Mapping[int, tuple[int, ...]] | None = _ENGINE_EXTRA_CASES


def strip_diacritics(text: str, compatibility: bool = False) -> str:
    """``text`` without combining marks ("Nórsku" -> "Norsku"); ``compatibility`` also unfolds
    compatibility characters (ligatures, full-width forms) first (NFKD instead of NFD)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD" if compatibility else "NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# The last text given to ``lower_same_length`` and its result: the stages reading one document (amounts,
# the phrase indexes) lower-case it once. One entry, for the document at hand; a string never changes.
_last_lowered: tuple[str, str] = ("", "")


def lower_same_length(text: str) -> str:
    """``text.lower()`` with offsets kept: a letter whose lower case is longer ("İ") stays as it is."""
    global _last_lowered
    last = _last_lowered
    if last[0] is text:
        return last[1]
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
    _last_lowered = (text, lowered)
    return lowered


# the only character whose lower case is longer than one character (checked by the tests)
LONGER_IN_LOWER_CASE = "\N{LATIN CAPITAL LETTER I WITH DOT ABOVE}"


def lower_per_character(text: str) -> str | None:
    """``text.lower()`` when it lower-cases every character on its own, one for one, so a slice of it is
    the slice's own lower case: the copy the stages reading the document share (``lower_same_length``).
    None when the text holds "İ" (longer in lower case) or a capital sigma (its lower case depends on
    the letters after it).
    """
    # ("in" for each of these two characters is faster than a search for either)
    if LONGER_IN_LOWER_CASE in text or "\N{GREEK CAPITAL LETTER SIGMA}" in text:
        return None
    return lower_same_length(text)
