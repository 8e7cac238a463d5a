"""Project reports pipeline: raw Czech, Slovak and English reports to validated, source-grounded records.

>>> from pipeline import extract_text, run, load_tables
"""

from pipeline.models import PIPELINE_VERSION as __version__
from pipeline.process import extract_text
from pipeline.runner import RunSummary, run
from pipeline.tables import load_tables

__all__ = ["RunSummary", "__version__", "extract_text", "load_tables", "run"]
