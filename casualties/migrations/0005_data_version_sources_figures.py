"""The data version (strikes migration 0004) also moves with what attack lists show.

Attack lists embed each attack's sources (articles and their outlets) and published
figures; for their responses to be cached under the data version
(``strikes.api.cache``), a write to those tables must draw a new version too. Articles
change status many times during ingest without changing anything a list shows, so their
UPDATE trigger fires only for the columns a list reads.
"""

from django.db import migrations

TRIGGERS = {
    "casualties_publishedfigure": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "sources_outlet": "INSERT OR UPDATE OR DELETE OR TRUNCATE",
    "sources_article": (
        "INSERT OR DELETE OR TRUNCATE OR UPDATE OF attack_id, title, url, canonical_url, outlet_id, published_at"
    ),
}

FORWARD = [
    f"CREATE TRIGGER strikes_data_version_bump AFTER {events} ON {table}"
    " FOR EACH STATEMENT EXECUTE FUNCTION strikes_data_version_bump()"
    for table, events in TRIGGERS.items()
]
BACKWARD = [f"DROP TRIGGER IF EXISTS strikes_data_version_bump ON {table}" for table in TRIGGERS]


class Migration(migrations.Migration):
    dependencies = [
        ("casualties", "0004_figure_modes"),
        ("sources", "0004_article_attack_covering"),
        ("strikes", "0004_data_version"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
