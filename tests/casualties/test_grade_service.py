"""Evidence grades in the database (casualties.services.grades), issue 15: the grade follows the
attack's sources as they are linked, recorded and decided through the real services, and an
editor's override wins, with a reason and a history of versions."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from casualties import services
from casualties.models import GradeOverride, Proposal
from casualties.services.grades import grade_computed, grade_history, grades_refresh
from linking.services import article_move, article_process, article_reject
from strikes.models import Attack
from tests.factories import ArticleFactory, AttackFactory, OutletFactory, PlaceFactory

pytestmark = pytest.mark.django_db

# 04:00 in Kyiv on 10 June 2025.
STRUCK = dt.datetime(2025, 6, 10, 1, 0, tzinfo=dt.UTC)


@pytest.fixture
def kyiv_city(db):
    return PlaceFactory(name="Kyiv", kind="city", latitude=50.45, longitude=30.52)


@pytest.fixture
def strike(kyiv_city):
    """A published attack in Kyiv reported so far by one outlet (Censor.NET): single source."""
    attack = AttackFactory(place=kyiv_city, occurred_at=STRUCK, status="published")
    ArticleFactory(attack=attack, outlet=OutletFactory(name="Censor.NET", grade="B"), report=report_of(kyiv_city))
    services.grade_refresh(attack=attack)
    attack.refresh_from_db()
    assert attack.grade == "single_source"
    return attack


def report_of(place, day="2025-06-10"):
    """The parts of an extraction report the grade reads: the event's date and its main place."""
    return {"is_strike_report": True, "event_date": day, "places": [{"ref_key": f"place:{place.pk}"}]}


def unlinked_article(outlet_name, grade="B", **kw):
    return ArticleFactory(attack=None, outlet=OutletFactory(name=outlet_name, grade=grade), **kw)


def grade_of(attack) -> str:
    return Attack.objects.get(pk=attack.pk).grade


# --- The grade follows the sources ---


def test_linking_a_second_outlets_article_confirms_the_attack(strike, analyst, kyiv_city):
    article_move(article=unlinked_article("AFP", report=report_of(kyiv_city)), attack=strike, by=analyst)
    assert grade_of(strike) == "confirmed"
    assert grade_computed(strike).reason == "2 independent sources agree on place and date: AFP and Censor.NET."


def test_a_second_article_of_the_same_outlet_is_not_a_second_source(strike, analyst):
    article_move(article=unlinked_article("Censor.NET"), attack=strike, by=analyst)
    assert grade_of(strike) == "single_source"


def test_an_official_outlet_confirms_the_attack_alone(kyiv_city, analyst):
    attack = AttackFactory(place=kyiv_city, occurred_at=STRUCK)
    article_move(article=unlinked_article("Ukrainian Air Force", grade="A"), attack=attack, by=analyst)
    assert grade_of(attack) == "confirmed"
    assert grade_computed(attack).reason == "Reported by an official source: Ukrainian Air Force."


def test_an_article_moved_away_takes_its_source_with_it(strike, analyst, kyiv_city):
    afp = unlinked_article("AFP")
    article_move(article=afp, attack=strike, by=analyst)
    assert grade_of(strike) == "confirmed"
    elsewhere = AttackFactory(place=kyiv_city, occurred_at=STRUCK - dt.timedelta(days=30))
    article_move(article=afp, attack=elsewhere, by=analyst)
    assert (grade_of(strike), grade_of(elsewhere)) == ("single_source", "single_source")


def test_a_claim_typed_with_a_source_label_counts_as_a_source(strike, editor):
    claim = services.claim_record(
        attack=strike,
        category="killed",
        value=3,
        qualifier="exact",
        reported_at=STRUCK,
        source_label="Kyiv City Military Administration",
        by=editor,
    )
    assert grade_of(strike) == "confirmed"
    assert "Kyiv City Military Administration" in grade_computed(strike).reason
    # Withdrawn, the claim no longer speaks for the attack.
    services.claim_withdraw(claim=claim, by=editor, reason="Typed on the wrong attack.")
    assert grade_of(strike) == "single_source"


FIRST = (
    "Kyiv hit by North Korean missile, president says\n"
    "Russia struck Kyiv on the night of 24 April with a North Korean-made KN-23 ballistic missile, the "
    "president said. In Kyiv, 12 people were killed and more than 100 were wounded; the Sviatoshynskyi "
    "district was hit hardest."
)
SECOND = (
    "Missile that hit Kyiv had foreign parts\n"
    "The North Korean ballistic missile that Russia fired at Kyiv on Thursday contained parts made abroad, "
    "the president said on Friday. In the capital, 12 people were killed and 87 injured."
)


@pytest.fixture
def reference(db):
    from tests.reference_rows import reference_rows

    return reference_rows()


def published_on(day: str):
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9, 0)))


def test_two_outlets_disputing_a_figure_are_fair_until_an_editor_decides(reference, editor):
    # The pipeline links both articles to one attack; they agree on 12 killed but not on the
    # injured (more than 100, and 87).
    first = ArticleFactory(text=FIRST, title="", published_at=published_on("2025-04-24"))
    second = ArticleFactory(text=SECOND, title="", published_at=published_on("2025-04-25"))
    article_process(article_id=first.pk)
    article_process(article_id=second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.outlet_id != second.outlet_id
    assert first.attack_id == second.attack_id is not None
    attack = first.attack
    assert (attack.disputed, attack.grade) == (True, "fair")

    services.decision_make(
        attack=attack,
        category="injured",
        best=87,
        low=87,
        high=101,
        rationale="The later count is specific.",
        by=editor,
        expected_version=0,
    )
    attack.refresh_from_db()
    assert (attack.disputed, attack.grade) == (False, "confirmed")


# --- Place and date ---

# Distances from Kyiv (50.45 N, 30.52 E), worked out by hand: a degree of latitude is about
# 111 km, a degree of longitude at 50.45 N about 71 km.
# Brovary (50.51, 30.79): 6.7 km north and 19.2 km east, about 20 km away: the same event.
# Bila Tserkva (49.80, 30.11): 72 km south alone, farther than 25 km: somewhere else.


def test_an_article_placing_the_strike_more_than_25_km_away_contests_it(strike, analyst):
    bila_tserkva = PlaceFactory(name="Bila Tserkva", kind="city", latitude=49.80, longitude=30.11)
    article_move(article=unlinked_article("AFP", report=report_of(bila_tserkva)), attack=strike, by=analyst)
    assert grade_of(strike) == "contested"
    assert grade_computed(strike).reason == "AFP reports another place."


def test_an_article_placing_it_within_25_km_agrees(strike, analyst):
    brovary = PlaceFactory(name="Brovary", kind="city", latitude=50.51, longitude=30.79)
    article_move(article=unlinked_article("AFP", report=report_of(brovary)), attack=strike, by=analyst)
    assert grade_of(strike) == "confirmed"


def test_a_place_inside_the_attacks_place_is_the_same_place_however_far(strike, analyst, kyiv_city):
    # A district of the city, with coordinates far off (a gazetteer error): told at another
    # level, the same event.
    district = PlaceFactory(name="Far district", kind="district", parent=kyiv_city, latitude=49.80, longitude=30.11)
    article_move(article=unlinked_article("AFP", report=report_of(district)), attack=strike, by=analyst)
    assert grade_of(strike) == "confirmed"


@pytest.mark.parametrize(
    ("day", "grade"),
    [
        ("2025-06-10", "confirmed"),
        ("2025-06-09", "confirmed"),  # a day off: "yesterday" from a report written after midnight
        ("2025-06-11", "confirmed"),
        ("2025-06-08", "contested"),  # two days off: another day
        ("2025-06-12", "contested"),
    ],
)
def test_an_article_dating_it_more_than_a_day_off_contests_it(strike, analyst, kyiv_city, day, grade):
    article_move(article=unlinked_article("AFP", report=report_of(kyiv_city, day)), attack=strike, by=analyst)
    assert grade_of(strike) == grade


def test_an_editor_moving_the_attack_away_from_its_sources_contests_it(strike, analyst, editor, kyiv_city):
    article_move(article=unlinked_article("AFP", report=report_of(kyiv_city)), attack=strike, by=analyst)
    assert grade_of(strike) == "confirmed"
    bila_tserkva = PlaceFactory(name="Bila Tserkva", kind="city", latitude=49.80, longitude=30.11)
    services.attack_edit(attack=strike, by=editor, place=bila_tserkva, latitude=49.80, longitude=30.11)
    assert grade_of(strike) == "contested"
    assert grade_computed(strike).reason == "AFP and Censor.NET report another place."


# --- An editor's override ---


def test_an_editor_overrides_with_a_reason_and_every_version_is_kept(strike, editor, analyst):
    first = services.grade_override(
        attack=strike, grade="discounted", reason="The video is from 2023.", by=editor, expected_version=0
    )
    assert (first.version, grade_of(strike)) == (1, "discounted")
    # New sources do not undo an editor's grade.
    article_move(article=unlinked_article("AFP"), attack=strike, by=analyst)
    assert grade_of(strike) == "discounted"

    services.grade_override(
        attack=strike, grade="contested", reason="Only the date is in doubt.", by=editor, expected_version=1
    )
    assert grade_of(strike) == "contested"
    # Cleared: back to what the sources say now (two outlets agreeing).
    services.grade_override(
        attack=strike, grade="", reason="Settled by the second outlet.", by=editor, expected_version=2
    )
    assert grade_of(strike) == "confirmed"

    history = grade_history(strike.pk)
    assert [(o.version, o.grade, o.reason, o.is_current, o.decided_by) for o in history] == [
        (3, "", "Settled by the second outlet.", True, editor),
        (2, "contested", "Only the date is in doubt.", False, editor),
        (1, "discounted", "The video is from 2023.", False, editor),
    ]


def test_an_override_without_expected_version_skips_the_check(strike, editor):
    services.grade_override(attack=strike, grade="discounted", reason="Staged.", by=editor)
    services.grade_override(attack=strike, grade="fair", reason="Not staged after all.", by=editor)
    assert [o.version for o in grade_history(strike.pk)] == [2, 1]
    assert grade_of(strike) == "fair"


def _state(attack):
    row = Attack.objects.get(pk=attack.pk)
    overrides = list(GradeOverride.objects.order_by("pk").values_list("version", "grade", "reason", "is_current"))
    return row.grade, row.updated_at, overrides


@pytest.mark.parametrize("role", ["analyst", "researcher", "anonymous", "nobody"])
def test_only_an_editor_overrides_and_a_refusal_changes_nothing(strike, request, role):
    # "nobody": no user at all; an override is an editor's judgement, never the system's.
    users = {"anonymous": AnonymousUser(), "nobody": None}
    by = users[role] if role in users else request.getfixturevalue(role)
    before = _state(strike)
    with pytest.raises(PermissionError):
        services.grade_override(attack=strike, grade="discounted", reason="I disagree.", by=by, expected_version=0)
    assert _state(strike) == before


@pytest.mark.parametrize(
    ("kw", "field", "words"),
    [
        ({"grade": "discounted", "reason": "   "}, "reason", "Say why"),
        ({"grade": "discounted", "reason": ""}, "reason", "Say why"),
        ({"grade": "certain", "reason": "Looks right."}, "grade", "'certain' is not one of"),
        ({"grade": "Confirmed", "reason": "Looks right."}, "grade", "is not one of"),
        ({"grade": "", "reason": "Back to the sources."}, "grade", "already the computed one"),
        ({"grade": "contested", "reason": "Another view.", "expected_version": 3}, "grade", "changed while you"),
    ],
)
def test_a_refused_override_says_why_and_changes_nothing(strike, editor, kw, field, words):
    before = _state(strike)
    with pytest.raises(ValidationError) as err:
        services.grade_override(attack=strike, by=editor, **{"expected_version": 0, **kw})
    assert words in " ".join(err.value.message_dict[field])
    assert _state(strike) == before


def test_a_stale_override_is_refused_and_the_first_editors_grade_stands(strike, editor, admin_user):
    # Both editors opened version 0; the first saves.
    services.grade_override(attack=strike, grade="discounted", reason="Staged.", by=editor, expected_version=0)
    before = _state(strike)
    with pytest.raises(ValidationError) as err:
        services.grade_override(attack=strike, grade="confirmed", reason="Seen it.", by=admin_user, expected_version=0)
    assert "version 1 is now current" in " ".join(err.value.message_dict["grade"])
    assert _state(strike) == before
    assert before[0] == "discounted"


def test_clearing_twice_is_refused_the_second_time(strike, editor):
    services.grade_override(attack=strike, grade="fair", reason="Doubtful.", by=editor, expected_version=0)
    services.grade_override(attack=strike, grade="", reason="Back.", by=editor, expected_version=1)
    before = _state(strike)
    with pytest.raises(ValidationError):
        services.grade_override(attack=strike, grade="", reason="Back again.", by=editor, expected_version=2)
    assert _state(strike) == before


# --- Re-grading many ---


def test_grades_refresh_regrades_stale_attacks_and_counts_the_changes(kyiv_city, editor):
    # Rows written behind the services' back (an import, an upgraded database): the stored
    # grade is the column's default until re-graded.
    two_outlets = AttackFactory(place=kyiv_city, occurred_at=STRUCK)
    ArticleFactory(attack=two_outlets, outlet=OutletFactory(name="AFP"))
    ArticleFactory(attack=two_outlets, outlet=OutletFactory(name="Reuters"))
    one_outlet = AttackFactory(place=kyiv_city, occurred_at=STRUCK)
    ArticleFactory(attack=one_outlet, outlet=OutletFactory(name="Suspilne"))
    overridden = AttackFactory(place=kyiv_city, occurred_at=STRUCK)
    services.grade_override(attack=overridden, grade="discounted", reason="A drill.", by=editor)
    Attack.objects.filter(pk=overridden.pk).update(grade="single_source")
    no_sources = AttackFactory(place=kyiv_city, occurred_at=STRUCK)
    assert set(Attack.objects.values_list("grade", flat=True)) == {"single_source"}

    seen = []
    assert grades_refresh(batch=2, progress=lambda done, total: seen.append((done, total))) == 2
    assert [grade_of(a) for a in (two_outlets, one_outlet, overridden, no_sources)] == [
        "confirmed",
        "single_source",
        "discounted",
        "single_source",
    ]
    # Three attacks have something to read (articles or an override), in batches of two.
    assert seen == [(2, 3), (3, 3)]
    # Nothing left to change.
    assert grades_refresh() == 0
    assert grades_refresh([two_outlets.pk, one_outlet.pk]) == 0


def test_grades_refresh_also_regrades_an_attack_that_lost_every_source(strike, analyst):
    # Its articles deleted (the admin's delete unlinks them, SET_NULL) behind the services' back:
    # nothing is left to read, but the stored grade still says two outlets confirm it.
    afp = unlinked_article("AFP")
    article_move(article=afp, attack=strike, by=analyst)
    assert grade_of(strike) == "confirmed"
    strike.articles.all().delete()
    assert grades_refresh() == 1
    assert grade_of(strike) == "single_source"


def test_a_rejected_article_is_no_longer_a_source(kyiv_city, analyst):
    # The analyst says the pipeline linked it to the wrong attack: its claims are withdrawn, and
    # it no longer confirms the attack either.
    attack = AttackFactory(place=kyiv_city, occurred_at=STRUCK, status="draft")
    ArticleFactory(attack=attack, outlet=OutletFactory(name="Censor.NET"))
    afp = unlinked_article("AFP")
    article_move(article=afp, attack=attack, by=analyst)
    services.claim_record(
        attack=attack,
        category="killed",
        value=2,
        qualifier="exact",
        reported_at=STRUCK,
        article=afp,
        origin="extracted",
    )
    assert grade_of(attack) == "confirmed"
    article_reject(article=afp, by=analyst, reason="About the strike on Odesa.")
    assert grade_of(attack) == "single_source"


def test_rejecting_an_article_without_figures_also_stops_it_confirming(kyiv_city, analyst):
    # No claim to withdraw, so nothing else would re-grade the attack: the rejection itself does.
    attack = AttackFactory(place=kyiv_city, occurred_at=STRUCK, status="draft")
    ArticleFactory(attack=attack, outlet=OutletFactory(name="Censor.NET"))
    afp = unlinked_article("AFP")
    article_move(article=afp, attack=attack, by=analyst)
    assert grade_of(attack) == "confirmed"
    article_reject(article=afp, by=analyst, reason="Another night's strike.")
    assert grade_of(attack) == "single_source"


def test_on_a_published_attack_a_new_articles_figures_wait_for_an_editor_and_so_does_its_grade(strike, analyst, editor):
    # A second outlet's report reaches the published attack with a figure: the figure waits for
    # an editor, and the article does not confirm the attack before the editor lets it in.
    afp = ArticleFactory(attack=strike, outlet=OutletFactory(name="AFP", grade="B"), report=report_of(strike.place))
    claim = services.claim_record(
        attack=strike,
        category="killed",
        value=2,
        qualifier="exact",
        reported_at=STRUCK,
        article=afp,
        by=analyst,
    )
    claim.refresh_from_db()
    assert claim.pending_review
    assert grade_of(strike) == "single_source"
    services.claim_accept(claim=claim, by=editor)
    assert grade_of(strike) == "confirmed"


def test_a_withdrawn_pending_claim_does_not_keep_its_article_out_for_good(strike, analyst):
    # An analyst withdraws the figure they recorded after publication (it waited for an editor);
    # the article itself stays linked and unrejected: it reports this attack, so it confirms it.
    afp = ArticleFactory(attack=strike, outlet=OutletFactory(name="AFP", grade="B"), report=report_of(strike.place))
    claim = services.claim_record(
        attack=strike, category="killed", value=2, qualifier="exact", reported_at=STRUCK, article=afp, by=analyst
    )
    assert grade_of(strike) == "single_source"
    services.claim_withdraw_or_propose(claim=claim, by=analyst, reason="Misread: the two were injured.")
    claim.refresh_from_db()
    assert claim.withdrawn_at is not None
    services.grade_refresh(attack=strike)
    assert grade_of(strike) == "confirmed"


def test_grades_refresh_reads_attacks_whose_only_other_source_is_a_claims_label(kyiv_city, editor):
    # An imported or typed-in claim cites a label, not an article; its grade left stale behind
    # the services' back is found and re-graded.
    attack = AttackFactory(place=kyiv_city, occurred_at=STRUCK, status="draft")
    ArticleFactory(attack=attack, outlet=OutletFactory(name="Suspilne"))
    services.claim_record(
        attack=attack,
        category="injured",
        value=5,
        qualifier="exact",
        reported_at=STRUCK,
        source_label="Kyiv City Military Administration",
        by=editor,
    )
    Attack.objects.filter(pk=attack.pk).update(grade="single_source")
    assert grades_refresh() == 1
    assert grade_of(attack) == "confirmed"


@pytest.mark.parametrize(("editor_says", "grade_after"), [("apply", "single_source"), ("refuse", "confirmed")])
def test_an_analysts_rejection_on_a_published_attack_moves_the_grade_only_when_an_editor_agrees(
    strike, analyst, editor, editor_says, grade_after
):
    afp = ArticleFactory(attack=strike, outlet=OutletFactory(name="AFP", grade="B"), report=report_of(strike.place))
    claim = services.claim_record(
        attack=strike,
        category="killed",
        value=2,
        qualifier="exact",
        reported_at=STRUCK,
        article=afp,
        origin="extracted",
    )
    services.claim_accept(claim=claim, by=editor)
    assert grade_of(strike) == "confirmed"

    article_reject(article=afp, by=analyst, reason="About the strike on Odesa.")
    # The claim's withdrawal waits for an editor, and so does the public grade.
    assert grade_of(strike) == "confirmed"
    services.grade_refresh(attack=strike)  # any later re-grade keeps it too
    assert grade_of(strike) == "confirmed"

    proposal = Proposal.objects.get(claim=claim, status="open")
    if editor_says == "apply":
        services.proposal_apply(proposal=proposal, by=editor)
    else:
        services.proposal_reject(proposal=proposal, by=editor, note="The figure is the capital's.")
    services.grade_refresh(attack=strike)
    assert grade_of(strike) == grade_after
