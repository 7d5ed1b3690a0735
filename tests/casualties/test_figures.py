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
    assert (ranged["injured"]["low"], ranged["injured"]["high"]) == (87, 101)
