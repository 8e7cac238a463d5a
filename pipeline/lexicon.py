"""Language data files under ``pipeline/data/``: loaded once, checked on load.

Each concern keeps its data in one TOML file (``dates.toml``, ``amounts.toml`` ...), with a table per
language where the data differ by language. Code never hard-codes words of a language.
"""

from __future__ import annotations

import hashlib
import tomllib
from functools import cache
from importlib import resources
from typing import Any

DATA_PACKAGE = "pipeline.data"


class LexiconError(ValueError):
    """A data file is missing or malformed."""


@cache
def load_data(name: str) -> dict[str, Any]:
    """Return the parsed ``pipeline/data/<name>.toml``; raises LexiconError naming the file."""
    path = resources.files(DATA_PACKAGE).joinpath(f"{name}.toml")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LexiconError(f"data file {name}.toml not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"data file {name}.toml is not valid TOML: {exc}") from exc


def data_fingerprint() -> str:
    """sha256 over every data file, so outputs can record which rules were in force."""
    digest = hashlib.sha256()
    files = sorted(
        (entry for entry in resources.files(DATA_PACKAGE).iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    for entry in files:
        digest.update(entry.name.encode())
        digest.update(entry.read_bytes())
    return digest.hexdigest()
