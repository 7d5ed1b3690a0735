"""The oblast index carries the grade (issue 19): the public list (published, not discounted)
filtered by an oblast and a munition read every attack of the oblast in the date range from the
heap to check its grade (11,581 rows, 15 ms at a million attacks); with the grade in the index,
an index-only scan (1 ms). docs/PERFORMANCE.md §26."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('strikes', '0018_attackexport_days'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='attack',
            name='strikes_attack_oblast_occ',
        ),
        migrations.AddIndex(
            model_name='attack',
            index=models.Index(fields=['status', 'oblast', '-occurred_at', '-id'], include=('grade',), name='strikes_attack_oblast_occ'),
        ),
    ]
