"""Stored export lines kept uncompressed: ``toast_tuple_target`` raised to a page's worth.

A row of ``strikes_attackexport`` (CSV line, Feature head and tail: ~2.6 KB) passed
PostgreSQL's default threshold of ~2 KB, so every Feature tail (and a sixth of the CSV lines)
was stored pglz-compressed, and every export decompressed each line it served: most of the
GeoJSON export's statement (docs/PERFORMANCE.md §13). With the target at 8,160 bytes (the most
PostgreSQL allows with 8 KB pages) a row is compressed only when it is longer than that (an
attack with many long sources), and is still never refused; the table is ~35 % larger.

Lines already written stay compressed when merely copied (PostgreSQL keeps a compressed value
as it is), so each column is rewritten through an expression (``|| ''``): one rewrite of the
table, which writes every value anew under the new target (about 10 s at 200,000 attacks).
The lines' text and the functions that write them are unchanged: no rebuild.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE strikes_attackexport SET (toast_tuple_target = 8160)",
    "ALTER TABLE strikes_attackexport"
    " ALTER COLUMN csv_line TYPE text USING csv_line || '',"
    " ALTER COLUMN feature_head TYPE text USING feature_head || '',"
    " ALTER COLUMN feature_tail TYPE text USING feature_tail || ''",
]

# Back to the default target; the lines stay as they are (new ones are compressed again).
BACKWARD = ["ALTER TABLE strikes_attackexport RESET (toast_tuple_target)"]


class Migration(migrations.Migration):
    dependencies = [("strikes", "0013_attack_terms_delete_by_ids")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
