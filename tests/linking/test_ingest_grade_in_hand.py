"""A new attack's grade from the article in hand (issue 19): an attack created by ingest has that
one article linked, so its grade is computed from the article already read instead of a read of
the attack's linked articles. The grade stored must be the one a re-grade from the database gives.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casualties.services import grades_refresh
from linking.services import article_process
from sources.models import Article
from strikes.models import Attack
from tests.factories import OutletFactory

# The first place named is Kyiv, the attack goes to the one district named: the grade reads the
# places to check that the article's place and the attack's agree.
DISTRICT = (
    "Kyiv hit by North Korean missile, president says\n"
    "Russia struck Kyiv on the night of 24 April with a North Korean-made KN-23 ballistic missile, the "
    "president said. In Kyiv, 12 people were killed and more than 100 were wounded; the Sviatoshynskyi "
    "district was hit hardest."
)
CITY = "Two drones struck a warehouse in Kharkiv on 3 March 2025, injuring four people, the governor said."


def linked_reads(article) -> list[str]:
    """Process the article; the statements that read an attack's linked articles for its grade."""
    with CaptureQueriesContext(connection) as ctx:
        article_process(article_id=article.pk)
    return [q["sql"] for q in ctx.captured_queries if '"sources_outlet"."grade" AS "outlet__grade"' in q["sql"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "published", "outlet", "grade"),
    [
        (DISTRICT, "2025-04-24", {"name": "Ukrainian Air Force", "grade": "A"}, "confirmed"),
        (DISTRICT, "2025-04-24", {"name": "Censor.NET"}, "single_source"),
        (CITY, "2025-03-03", None, "single_source"),
        (CITY, "2025-03-03", {"name": "Oblast administration", "grade": "A"}, "confirmed"),
    ],
)
def test_a_new_attacks_grade_from_the_article_in_hand_is_the_databases(
    reference, make_article, text, published, outlet, grade
):
    article = make_article(text, published, outlet=OutletFactory(**outlet) if outlet else None)
    assert linked_reads(article) == []
    attack = Attack.objects.get(pk=Article.objects.get(pk=article.pk).attack_id)
    assert attack.grade == grade
    # A re-grade reads the attack's linked articles from the database: it finds nothing to change.
    assert grades_refresh([attack.pk]) == 0
    assert Attack.objects.get(pk=attack.pk).grade == grade


@pytest.mark.django_db
def test_a_second_article_on_the_attack_still_reads_the_linked_articles(reference, make_article):
    first = make_article(DISTRICT, "2025-04-24", outlet=OutletFactory(name="Ukrainian Air Force", grade="A"))
    second = make_article(DISTRICT.replace("12 people", "13 people"), "2025-04-24", outlet=OutletFactory(name="AFP"))
    article_process(article_id=first.pk)
    # The attack is not new for the second article: other articles may be linked, so they are read.
    assert len(linked_reads(second)) == 1
    assert Article.objects.get(pk=second.pk).attack_id == Article.objects.get(pk=first.pk).attack_id
