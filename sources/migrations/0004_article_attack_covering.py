# The sources of an attack, read by every list, detail and export, come from this index alone
# (docs/PERFORMANCE.md, CSV export). It replaces the plain index on attack_id, its prefix.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_ingest_leases"),
        ("strikes", "0005_attack_oblast"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                fields=["attack", "published_at", "id"],
                include=("outlet", "canonical_url", "url"),
                name="sources_article_attack_pub",
            ),
        ),
        migrations.RemoveIndex(
            model_name="article",
            name="sources_article_attack",
        ),
    ]
