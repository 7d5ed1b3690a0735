"""Linking articles to attacks: the running example, idempotency, move, merge and split."""

import pytest

from casualties.models import Claim, PublishedFigure
from linking.services import article_move, article_process, attack_merge, attack_split
from sources.models import Article
from strikes.models import Attack, AttackMunition, WaveMunition

# The running example of DESIGN.md, told in our own words.
FIRST = (
    "Kyiv hit by North Korean missile, president says\n"
    "Russia struck Kyiv on the night of 24 April with a North Korean-made KN-23 ballistic missile, the "
    "president said. More than 200 missiles and drones were launched at Ukrainian cities overnight. "
    "In Kyiv, 12 people were killed and more than 100 were wounded; the Sviatoshynskyi district was hit hardest."
)
SECOND = (
    "Missile that hit Kyiv had foreign parts\n"
    "The North Korean ballistic missile that Russia fired at Kyiv on Thursday contained parts made abroad, "
    "the president said on Friday. The attack involved 215 missiles and drones fired across Ukraine. "
    "In the capital, 12 people were killed and 87 injured."
)


@pytest.fixture
def two_articles(reference, make_article):
    a = make_article(FIRST, "2025-04-24")
    b = make_article(SECOND, "2025-04-25")
    article_process(article_id=a.pk)
    article_process(article_id=b.pk)
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b


def claim(attack, article, category):
    return Claim.objects.get(attack=attack, article=article, category=category)


@pytest.mark.django_db
def test_running_example_becomes_one_attack(two_articles):
    a, b = two_articles
    assert a.status == b.status == "extracted"
    assert a.attack_id is not None and a.attack_id == b.attack_id
    attack = a.attack
    assert attack.status == "draft"
    assert attack.place.name in ("Kyiv", "Sviatoshynskyi")
    assert attack.occurred_at.date().isoformat() == "2025-04-24"
    assert "same date" in b.link_explanation and "same" in b.link_explanation
    assert b.link_score is not None

    assert (claim(attack, a, "killed").value, claim(attack, a, "killed").qualifier) == (12, "exact")
    assert (claim(attack, b, "killed").value, claim(attack, b, "killed").qualifier) == (12, "exact")
    assert (claim(attack, a, "injured").value, claim(attack, a, "injured").qualifier) == (100, "more_than")
    assert (claim(attack, b, "injured").value, claim(attack, b, "injured").qualifier) == (87, "exact")
    # "More than 200 ... at Ukrainian cities overnight" and "215 ... fired across Ukraine" are the whole
    # night's counts: on the night's wave (proposed from the first article), not claims on the attack.
    assert not Claim.objects.filter(attack=attack, category="launched").exists()
    assert attack.wave.is_draft and attack.wave.article_id == a.pk
    assert list(WaveMunition.objects.filter(wave=attack.wave).values_list("launched", flat=True)) == [200]
    assert b.report["wave_id"] == attack.wave_id
    quote = claim(attack, b, "injured")
    assert b.text[quote.quote_start : quote.quote_end] == quote.quote

    figures = {f.category: f for f in PublishedFigure.objects.filter(attack=attack)}
    assert figures["killed"].status == "consensus"
    assert figures["injured"].status == "disputed"  # 87 against more than 100: an editor decides
    assert "launched" not in figures  # the night's counts are the wave's, not this attack's

    kn23 = AttackMunition.objects.select_related("munition").get(attack=attack, munition__name="KN-23")
    assert kn23.munition.origin_country == "North Korea"
    assert kn23.munition.category == "ballistic_missile"


@pytest.mark.django_db
def test_running_linking_again_changes_nothing(two_articles):
    a, b = two_articles
    before = (
        Attack.objects.count(),
        list(Claim.objects.order_by("pk").values_list("pk", "attack_id", "value", "qualifier", "updated_at")),
        list(AttackMunition.objects.order_by("pk").values_list("pk", "attack_id", "munition_id", "count")),
        list(Article.objects.order_by("pk").values_list("pk", "attack_id", "link_explanation")),
    )
    article_process(article_id=a.pk)
    article_process(article_id=b.pk)
    after = (
        Attack.objects.count(),
        list(Claim.objects.order_by("pk").values_list("pk", "attack_id", "value", "qualifier", "updated_at")),
        list(AttackMunition.objects.order_by("pk").values_list("pk", "attack_id", "munition_id", "count")),
        list(Article.objects.order_by("pk").values_list("pk", "attack_id", "link_explanation")),
    )
    assert after == before


@pytest.mark.django_db
def test_a_strike_elsewhere_the_same_night_is_a_separate_attack(reference, make_article):
    a = make_article(FIRST, "2025-04-24")
    c = make_article("A drone hit a house in Lviv on the night of 24 April, killing 2 people.", "2025-04-24")
    article_process(article_id=a.pk)
    article_process(article_id=c.pk)
    a.refresh_from_db()
    c.refresh_from_db()
    assert c.attack_id is not None and c.attack_id != a.attack_id


@pytest.mark.django_db
def test_not_a_strike_report_gets_no_attack(reference, make_article):
    text = "Delegations met in Istanbul for peace talks on Monday and agreed a prisoner exchange."
    article = make_article(text, "2025-06-02")
    article_process(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == "extracted"
    assert article.attack_id is None
    assert article.report["is_strike_report"] is False


@pytest.mark.django_db
def test_move_takes_the_claims_along(two_articles, analyst):
    a, b = two_articles
    other = Attack.objects.create(occurred_at=a.attack.occurred_at, place=a.attack.place, status="draft")
    moved_claims = set(Claim.objects.filter(article=b).values_list("pk", flat=True))
    article_move(article=b, attack=other, by=analyst)
    b.refresh_from_db()
    assert b.attack_id == other.pk
    assert set(Claim.objects.filter(attack=other).values_list("pk", flat=True)) == moved_claims
    assert not Claim.objects.filter(attack=a.attack, article=b).exists()


@pytest.mark.django_db
def test_merge_and_split_keep_every_claim(two_articles, analyst):
    a, b = two_articles
    all_claims = set(Claim.objects.values_list("pk", flat=True))
    original = a.attack
    new = attack_split(attack=original, article_ids=[b.pk], by=analyst)
    b.refresh_from_db()
    assert b.attack_id == new.pk != original.pk
    assert set(Claim.objects.values_list("pk", flat=True)) == all_claims
    assert set(Claim.objects.filter(attack=new).values_list("article_id", flat=True)) == {b.pk}

    new_pk = new.pk
    target = attack_merge(source=new, target=original, by=analyst)
    assert target.pk == original.pk
    assert not Attack.objects.filter(pk=new_pk).exists()
    assert set(Claim.objects.filter(attack=original).values_list("pk", flat=True)) == all_claims
    b.refresh_from_db()
    assert b.attack_id == original.pk
    # The merged attack's removal is kept in its history.
    from pghistory.models import Events

    assert Events.objects.filter(pgh_obj_model="strikes.Attack", pgh_obj_id=str(new_pk), pgh_label="delete").exists()


def _figures_state(attack):
    attack.refresh_from_db()
    rows = PublishedFigure.objects.filter(attack=attack).order_by("category")
    return (
        (attack.killed_best, attack.injured_best, attack.disputed),
        [(f.category, f.status, f.best, f.low, f.high, sorted(f.claim_ids), f.conservative) for f in rows],
    )


@pytest.mark.django_db
def test_a_new_attacks_figures_are_what_a_full_refresh_computes(two_articles):
    # The first article creates the attack, and its figures are written without reading
    # anything back; the second joins it and takes the full path. Either way a from-scratch
    # refresh must find nothing to change.
    from casualties.services import figures_refresh

    a, _b = two_articles
    attack = a.attack
    first = Article.objects.create(  # no outlet: its claims weigh as ungraded
        url="https://news.example.org/lviv-1",
        canonical_url="https://news.example.org/lviv-1",
        status="fetched",
        text="A drone hit a house in Lviv on the night of 24 April, killing 2 people and injuring 5.",
        published_at=a.published_at,
    )
    article_process(article_id=first.pk)
    first.refresh_from_db()
    lviv = first.attack
    assert lviv is not None and lviv.pk != attack.pk
    for each in (attack, lviv):
        before = _figures_state(each)
        figures_refresh(attack=each)
        assert _figures_state(each)[1] == before[1]
        assert _figures_state(each)[0] == before[0]
    assert _figures_state(lviv)[0] == (2, 5, False)


@pytest.mark.django_db
def test_a_linked_articles_words_find_its_attack(reference, make_article):
    from django.contrib.postgres.search import SearchQuery

    article = make_article(FIRST, "2025-04-24")
    article_process(article_id=article.pk)
    article.refresh_from_db()
    # "wounded" is in the article's text only (not the attack's description, its title).
    found = Attack.objects.filter(search_vector=SearchQuery("wounded", config="english"))
    assert list(found.values_list("pk", flat=True)) == [article.attack_id]


@pytest.mark.django_db
def test_a_place_added_after_the_first_article_is_found_in_the_next(reference, make_article):
    from strikes.models import Place

    article_process(article_id=make_article(FIRST, "2025-04-24").pk)  # the gazetteer is built and cached
    oblast = Place.objects.get(name="Lviv Oblast")
    village = Place.objects.create(
        name="Verkhnia Sosnivka",
        kind="city",
        parent=oblast,
        oblast=oblast,
        latitude=49.61,
        longitude=23.91,
        population=900,
    )
    later = make_article("A drone hit a barn in Verkhnia Sosnivka on 24 April, killing 1 person.", "2025-04-24")
    article_process(article_id=later.pk)
    later.refresh_from_db()
    assert later.attack is not None and later.attack.place_id == village.pk


@pytest.mark.django_db
def test_a_strike_placed_only_by_its_raion_becomes_a_draft_in_that_raions_oblast(reference, make_article):
    # Synelnykove is the centre of its raion in Dnipropetrovsk Oblast; no village is named.
    article = make_article(
        "Удар по Синельниківському району\n"
        "Уночі російські війська атакували Синельниківський район дронами. "
        "Загинула одна людина, ще троє поранені.",
        "2025-06-12",
    )
    article_process(article_id=article.pk)
    article.refresh_from_db()
    assert article.report["places"][0]["kind"] == "raion"
    assert article.attack is not None
    assert article.attack.place.name == "Dnipropetrovsk Oblast"
    assert article.attack.geo_precision == 5  # oblast: the raion's extent is not in the gazetteer
    assert claim(article.attack, article, "killed").value == 1
    assert claim(article.attack, article, "injured").value == 3
