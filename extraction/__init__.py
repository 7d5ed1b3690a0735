"""Extraction: an article's text (and publication date) in, a structured strike report out.

Pure Python with no Django: ``extract(text, published=None, gazetteer=None) -> Report``.
The gazetteer is plain data (``Gazetteer.from_records``); without one, the packaged
reference data is used (built once per process).
"""

from extraction.gazetteer import Gazetteer, default_gazetteer
from extraction.report import Figure, Report, extract
from extraction.text import split_date_header

__all__ = ["Figure", "Gazetteer", "Report", "default_gazetteer", "extract", "split_date_header"]
