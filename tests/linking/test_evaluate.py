"""evaluate_extraction scores a labelled directory: here two articles written for this test."""

import json

import pytest

from linking.management.commands.evaluate_extraction import evaluate

STRIKE = (
    "Russian missile strike on Zaporizhzhia kills 3\n"
    "A Russian missile hit an apartment block in Zaporizhzhia on Thursday morning, killing 3 people and injuring "
    "more than 20, the regional governor said.\n"
)
TALKS = (
    "Negotiators meet again\n"
    "Ukrainian and Russian delegations met in Istanbul on Thursday for peace talks and discussed a prisoner "
    "exchange and a ceasefire memorandum, officials in Kyiv said.\n"
)


def _label(file, strike, city, killed, injured):
    return {
        "file": file,
        "published": "2025-04-24",
        "is_strike_report": strike,
        "event_key": f"{city}-2025-04-24" if strike else None,
        "event_date": "2025-04-24" if strike else None,
        "city": city,
        "killed": killed,
        "injured": injured,
        "munitions": [],
    }


@pytest.mark.django_db
def test_a_city_labelled_in_another_spelling_counts_as_found(tmp_path):
    (tmp_path / "a.txt").write_text(STRIKE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TALKS, encoding="utf-8")
    labels = [
        _label(
            "a.txt", True, "Zaporizhzhya", {"value": 3, "qualifier": "exact"}, {"value": 20, "qualifier": "more_than"}
        ),
        _label("b.txt", False, None, None, None),
    ]
    (tmp_path / "labels.json").write_text(json.dumps(labels), encoding="utf-8")

    metrics, rows = evaluate(tmp_path)

    by_file = {r["file"]: r for r in rows}
    # The gazetteer's display name is the news spelling; the label uses GeoNames' (an alias).
    assert by_file["a.txt"]["got"]["city"] == "Zaporizhzhia"
    assert by_file["a.txt"]["city"] is True
    assert metrics["city_accuracy"] == 1.0
    assert metrics["strike_report_accuracy"] == 1.0
    assert metrics["killed_accuracy"] == 1.0
    assert metrics["injured_accuracy"] == 1.0
    assert metrics["event_date_accuracy"] == 1.0
    assert metrics["articles"] == 2


@pytest.mark.django_db
def test_a_wrong_city_is_still_wrong(tmp_path):
    (tmp_path / "a.txt").write_text(STRIKE, encoding="utf-8")
    labels = [_label("a.txt", True, "Mykolaiv", {"value": 3, "qualifier": "exact"}, None)]
    (tmp_path / "labels.json").write_text(json.dumps(labels), encoding="utf-8")

    metrics, _rows = evaluate(tmp_path)

    assert metrics["city_accuracy"] == 0.0
    assert metrics["injured_accuracy"] == 0.0  # the text says "more than 20", the label says none
