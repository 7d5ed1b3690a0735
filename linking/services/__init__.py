"""Linking: an extracted article joins an existing attack or proposes a new draft one.

By topic: ``reference`` (the gazetteer from the database, cached), ``matching`` (scoring an
existing attack against a report), ``munitions`` (a report's weapons as Munition rows),
``process`` (one stored article, end to end) and ``corrections`` (an analyst's move, merge,
split, confirm and reject). The article's own state is written by ``sources`` services.
"""

from linking.services.corrections import article_confirm, article_move, article_reject, attack_merge, attack_split
from linking.services.matching import LINK_THRESHOLD, Match, attack_match
from linking.services.process import article_document, article_process
from linking.services.reference import db_gazetteer

__all__ = [
    "LINK_THRESHOLD",
    "Match",
    "article_confirm",
    "article_document",
    "article_move",
    "article_process",
    "article_reject",
    "attack_match",
    "attack_merge",
    "attack_split",
    "db_gazetteer",
]
