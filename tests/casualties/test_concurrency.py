"""Two editors deciding the same figure at once: the second save is refused, nothing is lost."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from casualties import services
from casualties.models import Decision, PublishedFigure
from tests.casualties.conftest import APRIL_24
from tests.factories import AttackFactory


def decision_form(attack, **values):
    data = {"best": 87, "low": 87, "high": "", "rationale": "Hospital count.", "expected_version": 0}
    data.update(values)
    for claim in attack.claims.all():
        data.setdefault(f"rank_{claim.pk}", claim.rank)
        data.setdefault(f"reason_{claim.pk}", claim.rank_reason)
    return data


@pytest.mark.django_db
def test_second_editor_is_refused_and_sees_what_the_first_changed(client, kyiv, editor, admin_user):
    url = reverse("decision", kwargs={"pk": kyiv.pk, "category": "injured"})
    first, second = client, type(client)()
    first.force_login(editor)
    second.force_login(admin_user)
    # Both open the page while there is no decision (version 0).
    assert 'name="expected_version" value="0"' in first.get(url).text
    assert 'name="expected_version" value="0"' in second.get(url).text

    saved = first.post(url, decision_form(kyiv, rationale="The later hospital count."))
    assert saved.status_code == 302

    refused = second.post(url, decision_form(kyiv, best=120, low=101, rationale="The president said so."))
    assert refused.status_code == 409
    page = refused.text
    assert "Not saved: another editor changed this figure" in page
    assert "version 1 (by eddie) is now current" in page
    assert "The later hospital count." in page  # the other editor's rationale, shown
    # The second editor's input is still in the form...
    assert 'value="120"' in page
    assert "The president said so." in page
    # ...and is now based on version 1, so saving again is a deliberate replacement.
    assert 'name="expected_version" value="1"' in page
    assert list(Decision.objects.values_list("version", "best")) == [(1, 87)]
    assert PublishedFigure.objects.get(attack=kyiv, category="injured").best == 87

    again = second.post(url, decision_form(kyiv, best=120, low=101, rationale="Checked again.", expected_version=1))
    assert again.status_code == 302
    assert Decision.objects.get(is_current=True).best == 120


@pytest.mark.django_db(transaction=True)
def test_real_race_between_two_threads_saves_exactly_one(editor, admin_user):
    attack = AttackFactory()
    for value, label in ((100, "Mayor"), (87, "Hospital")):
        services.claim_record(
            attack=attack,
            category="injured",
            value=value,
            qualifier="exact",
            reported_at=APRIL_24,
            source_label=label,
        )
    start = threading.Barrier(2)
    outcomes = {}

    def save(user, best):
        try:
            start.wait(timeout=10)
            services.decision_make(
                attack=attack,
                category="injured",
                best=best,
                low=best,
                high=best,
                rationale=f"{user} says {best}",
                by=user,
                expected_version=0,
            )
            outcomes[user.username] = "saved"
        except services.StaleDecision as exc:
            outcomes[user.username] = exc.current.version
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in ((editor, 87), (admin_user, 100))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes.values(), key=str) == [1, "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    current = Decision.objects.get(attack=attack, category="injured")
    assert (current.version, current.decided_by.username) == (1, winner)
    assert PublishedFigure.objects.get(attack=attack, category="injured").best == current.best
