"""Reference data as plain Python: the gazetteer's places and the munition catalogue.

No database and no Django: the extractor's default gazetteer is built from these, and
``datasets.reference.reference_load`` writes the same records to the database.
"""

from extraction.reference.munitions import MUNITIONS
from extraction.reference.places import place_records

__all__ = ["MUNITIONS", "place_records"]
