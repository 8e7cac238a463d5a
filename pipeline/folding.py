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


def lower_same_length(text: str) -> str:
    """``text.lower()`` with offsets kept: a letter whose lower case is longer ("İ") stays as it is."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char.lower() if len(char.lower()) == 1 else char for char in text)
