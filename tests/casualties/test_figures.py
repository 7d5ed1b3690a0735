"""Published figures computed from claims and decisions (figures_refresh, figures_for_attacks)."""

import pytest

from casualties.models import PublishedFigure
from casualties.selectors import figures_for_attacks

pytestmark = pytest.mark.django_db


def test_running_example_publishes_agreement_conflict_and_consistent_launch_count(kyiv):
    figures = {pf.category: pf for pf in PublishedFigure.objects.filter(attack=kyiv)}
    assert (figures["killed"].status, figures["killed"].best) == ("consensus", 12)
    assert figures["injured"].status == "disputed"
    assert (figures["injured"].low, figures["injured"].high) == (87, None)
    assert (figures["launched"].status, figures["launched"].best) == ("consensus", 215)
    assert kyiv.killed_best == 12
    assert kyiv.disputed is True


def test_figures_for_attacks_modes_on_running_example(kyiv):
    decided = figures_for_attacks([kyiv.pk])[kyiv.pk]
    assert decided["injured"]["disputed"] is True
    conservative = figures_for_attacks([kyiv.pk], "conservative")[kyiv.pk]
    assert conservative["injured"]["best"] == 87
    ranged = figures_for_attacks([kyiv.pk], "range")[kyiv.pk]
    # "more than 100" is open-ended: the range has no upper bound.
    assert (ranged["injured"]["low"], ranged["injured"]["high"]) == (87, None)


def test_figures_for_attacks_is_one_query_for_any_number_of_attacks(kyiv, django_assert_num_queries):
    from tests.factories import ClaimFactory

    others = [ClaimFactory(category="killed", value=n).attack_id for n in range(1, 40)]
    for ids in ([kyiv.pk], [kyiv.pk, *others]):
        with django_assert_num_queries(1):
            figures = figures_for_attacks(ids, "range")
        assert set(figures) == set(ids)


def test_figures_for_attacks_lists_attacks_without_figures_and_refuses_unknown_modes(kyiv):
    from tests.factories import AttackFactory

    bare = AttackFactory()
    assert figures_for_attacks([bare.pk]) == {bare.pk: {}}
    assert figures_for_attacks([]) == {}
    with pytest.raises(ValueError, match="figures mode"):
        figures_for_attacks([kyiv.pk], "median")


def test_decided_figure_in_every_mode(kyiv, editor):
    from casualties import services

    services.decision_make(
        attack=kyiv,
        category="injured",
        best=95,
        low=87,
        high=120,
        rationale="Between the counts.",
        by=editor,
        expected_version=0,
    )
    modes = {
        mode: figures_for_attacks([kyiv.pk], mode)[kyiv.pk]["injured"] for mode in ("decided", "conservative", "range")
    }
    assert (modes["decided"]["best"], modes["decided"]["low"], modes["decided"]["high"]) == (95, 87, 120)
    assert modes["decided"]["status"] == "decided"
    assert modes["decided"]["disputed"] is False
    assert modes["conservative"]["best"] == 87
    assert (modes["range"]["low"], modes["range"]["high"]) == (87, None)  # "more than 100" stays open
    assert sorted(modes["decided"]["claim_ids"]) == sorted(
        [kyiv.example_claims["injured_24"].pk, kyiv.example_claims["injured_25"].pk]
    )
