"""The move to the new layout (issue 14) keeps a database's data.

A database is taken back to the last migrations of the old layout, filled there with the demo
(its five real events: the gazetteer, the munition catalogue, outlets, articles linked to
published attacks, their claims, an editor's versioned decision and the published figures)
through the models *as they were then*, and migrated forward to today. Every column that
existed before must hold the same value after, row for row, and the new structures must be
filled from the old data (every place spelling in ``PlaceName``, claims not pending review,
no draft waves). Then the API reads the migrated attacks as the public would.
"""

import datetime as dt

import pytest
from django.apps import apps as current_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from datasets.demo import DEMO_EVENTS, demo_external_id
from extraction.reference.munitions import MUNITIONS
from extraction.reference.places import place_records

# The last migration of each domain app before the split into extraction/linking/datasets.
OLD_LAYOUT = [
    ("sources", "0004_article_attack_covering"),
    ("strikes", "0006_attack_summary"),
    ("casualties", "0005_data_version_sources_figures"),
]
CHECKED = {
    "strikes": ["Place", "Munition", "Wave", "WaveMunition", "Attack", "AttackMunition"],
    "sources": ["Outlet", "Article"],
    "casualties": ["Claim", "Decision", "PublishedFigure"],
}

pytestmark = pytest.mark.django_db(transaction=True)


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _bounds(qualifier: str, value: int) -> tuple[int, int | None]:
    # Any valid interval will do: the test checks that values survive, not how they were derived.
    return {"at_least": (value, None), "more_than": (value + 1, None), "up_to": (0, value)}.get(
        qualifier, (value, value)
    )


def _write_demo(apps) -> None:
    """The demo, written through the old layout's models (no services: they are today's code)."""
    Place, Munition = apps.get_model("strikes", "Place"), apps.get_model("strikes", "Munition")
    Attack, AttackMunition = apps.get_model("strikes", "Attack"), apps.get_model("strikes", "AttackMunition")
    Wave, WaveMunition = apps.get_model("strikes", "Wave"), apps.get_model("strikes", "WaveMunition")
    Outlet, Article = apps.get_model("sources", "Outlet"), apps.get_model("sources", "Article")
    Claim, Decision = apps.get_model("casualties", "Claim"), apps.get_model("casualties", "Decision")
    PublishedFigure = apps.get_model("casualties", "PublishedFigure")
    User = apps.get_model("auth", "User")

    # The gazetteer, parents before children, as the reference loader writes it.
    by_ref = {}
    for record in place_records():
        by_ref[record["ref_key"]] = Place.objects.create(
            ref_key=record["ref_key"],
            name=record["name"],
            aliases=record["aliases"],
            kind=record["kind"],
            latitude=record["latitude"],
            longitude=record["longitude"],
            population=record["population"],
            geonames_id=record["geonames_id"],
            parent=by_ref.get(record["parent_ref"]),
            oblast=by_ref.get(record["oblast_ref"]),
        )
    fields = ("aliases", "category", "origin_country", "nato_name", "is_generic", "description")
    Munition.objects.bulk_create([Munition(name=m["name"], **{f: m[f] for f in fields}) for m in MUNITIONS])

    editor = User.objects.create(username="migrating-editor", password="!")
    noon = dt.time(12, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    for event in DEMO_EVENTS:
        place = by_ref[event.place_ref]
        attack = Attack.objects.create(
            occurred_at=event.occurred_at,
            time_precision=event.time_precision,
            place=place,
            latitude=place.latitude,
            longitude=place.longitude,
            geo_precision=event.geo_precision,
            target_type=event.target_type,
            description=event.description,
            status="published",
            external_id=demo_external_id(event),
            created_by=editor,
        )
        for name, count in event.munitions:
            AttackMunition.objects.create(attack=attack, munition=Munition.objects.get(name=name), count=count)
        best: dict[str, int] = {}
        for n, demo in enumerate(event.articles):
            outlet, _ = Outlet.objects.get_or_create(name=demo.outlet, defaults={"grade": demo.grade})
            article = Article.objects.create(
                url=demo.url,
                canonical_url=demo.url,
                title=demo.title,
                outlet=outlet,
                published_at=dt.datetime.combine(demo.published, noon) if demo.published else None,
                language="en",
                text=demo.text,
                origin="import",
                status="extracted",
                attack=attack,
            )
            reported = (
                demo.reported if isinstance(demo.reported, dt.datetime) else dt.datetime.combine(demo.reported, noon)
            )
            for claim in demo.claims:
                low, high = _bounds(claim.qualifier, claim.value)
                start = demo.text.index(claim.quote)
                Claim.objects.create(
                    attack=attack,
                    article=article,
                    category=claim.category,
                    value=claim.value,
                    low=low,
                    high=high,
                    qualifier=claim.qualifier,
                    quote=claim.quote,
                    quote_start=start,
                    quote_end=start + len(claim.quote),
                    reported_at=reported + dt.timedelta(minutes=n),
                    origin="entered",
                    created_by=editor,
                )
                best[claim.category] = max(best.get(claim.category, 0), claim.value)
        for category, value in best.items():
            PublishedFigure.objects.create(
                attack=attack, category=category, status="consensus", best=value, low=value, high=value
            )

    # The running example's injured, decided by an editor twice (version 2 current).
    kyiv = Attack.objects.get(external_id=demo_external_id(DEMO_EVENTS[0]))
    injured = list(Claim.objects.filter(attack=kyiv, category="injured"))
    first = Decision.objects.create(
        attack=kyiv,
        category="injured",
        version=1,
        is_current=False,
        best=87,
        low=87,
        high=None,
        rationale="Official count first.",
        decided_by=editor,
    )
    second = Decision.objects.create(
        attack=kyiv,
        category="injured",
        version=2,
        is_current=True,
        best=90,
        low=87,
        high=None,
        rationale="Later hospital figures.",
        decided_by=editor,
        restored_from=first,
    )
    second.claims.set(injured)
    PublishedFigure.objects.filter(attack=kyiv, category="injured").update(
        status="decided", best=90, low=87, high=None, decision=second
    )
    # A night's wave with a combined label, linked to the Kyiv attack.
    wave = Wave.objects.create(started_at=kyiv.occurred_at - dt.timedelta(hours=3), description="Night of 24 April")
    count = WaveMunition.objects.create(wave=wave, label="KN-23 and Shahed-136", launched=215, intercepted=193)
    count.munitions.set(Munition.objects.filter(name__in=["KN-23", "Shahed-136"]))
    Attack.objects.filter(pk=kyiv.pk).update(wave=wave)
    # One retracted and one draft attack: statuses survive too.
    Attack.objects.create(
        occurred_at=kyiv.occurred_at, place=kyiv.place, status="retracted", retraction_reason="Duplicate report."
    )
    Attack.objects.create(occurred_at=kyiv.occurred_at, place=kyiv.place, description="Unchecked draft")


def _fingerprint(apps, columns: dict[str, list[str]] | None = None) -> dict[str, list[tuple]]:
    """Every row of the checked models, restricted to ``columns`` (default: all concrete columns)."""
    out = {}
    for app, names in CHECKED.items():
        for name in names:
            model = apps.get_model(app, name)
            key = f"{app}.{name}"
            cols = columns[key] if columns else [f.attname for f in model._meta.concrete_fields]
            out[key] = list(model.objects.order_by("pk").values_list(*cols))
    return out


def _columns(apps) -> dict[str, list[str]]:
    return {
        f"{app}.{name}": [f.attname for f in apps.get_model(app, name)._meta.concrete_fields]
        for app, names in CHECKED.items()
        for name in names
    }


def test_the_demo_survives_the_move_from_the_old_layout():
    latest = _executor().loader.graph.leaf_nodes()
    try:
        _executor().migrate(OLD_LAYOUT)
        old_apps = _executor().loader.project_state(OLD_LAYOUT).apps
        _write_demo(old_apps)
        columns = _columns(old_apps)
        before = _fingerprint(old_apps, columns)
        m2m_before = sorted(old_apps.get_model("casualties", "Decision").claims.through.objects.values_list())
    finally:
        _executor().migrate(latest)

    assert _fingerprint(current_apps, columns) == before
    Decision = current_apps.get_model("casualties", "Decision")
    assert sorted(Decision.claims.through.objects.values_list()) == m2m_before

    # New structures, filled from the old data.
    Place = current_apps.get_model("strikes", "Place")
    PlaceName = current_apps.get_model("strikes", "PlaceName")
    expected_names = sum(len({n.strip() for n in [r["name"], *r["aliases"]] if n.strip()}) for r in place_records())
    assert PlaceName.objects.count() == expected_names
    assert PlaceName.objects.filter(is_primary=True).count() == Place.objects.count()
    assert [p.ref_key for p in Place.objects.named("Київ").filter(kind="city")] == ["geonames:703448"]
    assert not current_apps.get_model("casualties", "Claim").objects.filter(pending_review=True).exists()
    assert not current_apps.get_model("strikes", "Wave").objects.filter(is_draft=True).exists()

    # The public reads the migrated attacks: five published demo events, figures as they were.
    response = APIClient().get("/api/v1/attacks/", {"ordering": "occurred_at"})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == 5
    kyiv = next(r for r in rows if r["occurred_at"].startswith("2025-04-2"))
    assert kyiv["figures"]["killed"]["best"] == 12
    assert kyiv["figures"]["injured"]["best"] == 90 and kyiv["figures"]["injured"]["status"] == "decided"
    assert [m["name"] for m in kyiv["munitions"]] == ["KN-23"]
    assert len(kyiv["sources"]) == 2
