"""Regressions found in review: empty catalogue, person names as places, generic classes, leases, lock order."""

import threading

from strikes.extraction import Gazetteer, default_gazetteer, extract


def _finishes_within(fn, seconds):
    """Run ``fn`` in a daemon thread; its result, or a failure when it runs past ``seconds``."""
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("result", fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return box["result"]


def test_models_are_looked_for_instantly_when_the_munitions_catalogue_is_empty():
    gaz = default_gazetteer()
    empty = Gazetteer(gaz.places, [])
    sentence = "Overnight a Kh-101 and two Shahed drones hit a depot near Lutsk, the governor said."
    assert _finishes_within(lambda: empty.find_models(sentence), 2) == []
    assert _finishes_within(lambda: empty.find_models(""), 2) == []
    report = _finishes_within(lambda: extract(sentence, gazetteer=empty).to_dict(), 5)
    assert [p["name"] for p in report["places"]][:1] == ["Lutsk"]
