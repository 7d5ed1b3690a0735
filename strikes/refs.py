"""How a gazetteer place is named in an extraction report: ``"place:<Place pk>"``.

Linking builds the extractor's gazetteer from the Place table with these keys, and the report's
places carry them back; linking (to find the attack's place) and the evidence grades (to compare
a source's place with the attack's) read them. One format, written and read here.
"""

from __future__ import annotations


def place_ref(pk: int | None) -> str | None:
    """The report key of the place with this primary key."""
    return f"place:{pk}" if pk else None


def place_id_of(report_place) -> int | None:
    """The Place pk of a place in an extraction report (a dict with ``ref_key``), or None for
    anything else: a place of a gazetteer other than the database's, a malformed report."""
    ref = str(report_place.get("ref_key") or "") if isinstance(report_place, dict) else ""
    kind, _, number = ref.partition(":")
    return int(number) if kind == "place" and number.isdigit() else None
