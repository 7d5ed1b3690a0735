"""Joins two migrations written side by side (the as_of snapshots and the GeoJSON feature marks);
neither touches the other's tables, so the order between them does not matter."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("strikes", "0016_asof_snapshots"),
        ("strikes", "0016_geo_feature_marks"),
    ]

    operations = []
