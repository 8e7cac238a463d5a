"""Folding text for comparison: diacritics and case away, in one place for every stage."""

from __future__ import annotations

import unicodedata


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
