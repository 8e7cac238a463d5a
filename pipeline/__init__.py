"""Project reports pipeline: raw Czech, Slovak and English reports to validated, source-grounded records.

>>> from pipeline import extract_text, run, load_tables
"""

from __future__ import annotations

from typing import Any

from pipeline.models import PIPELINE_VERSION as __version__

__all__ = ["RunSummary", "__version__", "extract_text", "load_tables", "run"]

# Loaded on first use, so importing one stage does not load spaCy and every extractor.
_LAZY = {
    "extract_text": ("pipeline.process", "extract_text"),
    "run": ("pipeline.runner", "run"),
    "RunSummary": ("pipeline.runner", "RunSummary"),
    "load_tables": ("pipeline.tables", "load_tables"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    import importlib

    module_name, attribute = _LAZY[name]
    return getattr(importlib.import_module(module_name), attribute)
