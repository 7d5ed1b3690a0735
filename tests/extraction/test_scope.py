"""Scope of figures in English reports: the event, the night's round-up, the region's, and
children among the event's casualties. Sentences written for these tests. Pure Python."""

from extraction import extract

PUB = "2025-06-10"


def test_a_local_strike_keeps_its_toll_and_the_air_force_totals_go_to_the_night():
    text = (
        "A Russian drone hit an apartment building in Kharkiv overnight, killing three people and injuring 12, "
        "including two children, regional governor Oleh Syniehubov said on Tuesday.\n\n"
        "Russia launched 87 drones and two Iskander-M ballistic missiles overnight, Ukraine's Air Force said. "
        "Air defences shot down 64 drones, it said."
    )
    report = extract(text, PUB)
    got = {k: v["value"] for k, v in report.headline.items()}
    assert got == {"killed": 3, "injured": 12, "children_injured": 2}
    night = {(n["model"], n["category"]): (n["launched"], n["intercepted"], n["area"]) for n in report.night_counts}
    assert night == {(None, "drone"): (87, 64, "Ukraine"), ("Iskander-M", "ballistic missile"): (2, None, "Ukraine")}
    # The Iskander-M flew that night, not at this building: not the event's weapon.
    assert [m["model"] for m in report.munitions] == [None]
    assert [m["category"] for m in report.munitions] == ["drone"]
    scopes = {(f.category, f.value): f.scope for f in report.figures}
    assert scopes[("launched", 87)] == "nationwide"
    assert scopes[("children_injured", 2)] == "event"


def test_a_regions_round_up_is_the_regions_not_the_towns():
    text = (
        "Overnight, the enemy attacked the Mykolaiv region with 30 Shahed drones. Air defence forces destroyed "
        "22 of them. In Ochakiv, a house was damaged and a man was injured."
    )
    report = extract(text, PUB)
    assert report.main_place["name"] == "Ochakiv"
    assert {k: v["value"] for k, v in report.headline.items()} == {"injured": 1}
    assert [(n["area"], n["launched"], n["intercepted"]) for n in report.night_counts] == [("Mykolaiv Oblast", 30, 22)]


def test_a_report_on_the_night_itself_keeps_its_counts_in_the_headline():
    text = "Russia launched 120 drones at Ukraine overnight, the Air Force said; 98 were shot down across the country."
    report = extract(text, PUB)
    assert report.headline["launched"]["value"] == 120
    assert report.night_counts == []


def test_children_among_the_injured_stay_with_the_event():
    text = "A missile struck Zaporizhzhia on Monday, injuring 9 people. Two children were among the injured."
    report = extract(text, PUB)
    got = {k: v["value"] for k, v in report.headline.items()}
    assert got["injured"] == 9
    assert got["children_injured"] == 2
