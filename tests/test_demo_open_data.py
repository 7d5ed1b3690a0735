"""`make run`'s first start imports the UCDP GED events for Ukraine from the shared open data,
so the first map is real; a second start imports nothing and costs one query."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import devserver
from strikes.models import Attack
from tests.conftest import require

pytestmark = pytest.mark.django_db
SHARED_UCDP = Path(devserver.BASE_DIR).parent / "shared" / "data" / "UCDP-Ukraine.csv"


def test_the_first_start_imports_ucdp_and_the_second_asks_one_query(monkeypatch):
    require(SHARED_UCDP.is_file(), f"the shared open data is not at {SHARED_UCDP}")
    monkeypatch.setattr(devserver, "OPEN_DATA_DIR", SHARED_UCDP.parent)
    call_command("load_reference", verbosity=0)
    devserver.open_data_load(call_command)
    # 3,883 events in the file (SOURCES.md), every one an attack attributed to UCDP.
    assert Attack.objects.filter(external_source="ucdp").count() == 3883
    assert Attack.objects.filter(external_source="ucdp", status="published").count() == 3883
    with CaptureQueriesContext(connection) as queries:
        devserver.open_data_load(call_command)
    assert len(queries.captured_queries) == 1
    assert Attack.objects.filter(external_source="ucdp").count() == 3883


def test_without_the_open_data_the_demo_keeps_its_own_events(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(devserver, "OPEN_DATA_DIR", tmp_path)
    devserver.open_data_load(call_command)
    assert not Attack.objects.exists()
    assert "No open data at" in capsys.readouterr().out
