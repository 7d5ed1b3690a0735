"""The files of a release, made by the API's own exporters (``strikes.api.formats``), so a
release's attacks.csv and attacks.geojson are byte for byte what ``/api/v1/attacks/?format=csv``
and ``?format=geojson`` gave the public at that moment (without the ``url`` property, whose
host a file cannot know).

Like the API's default exports, both read each attack's stored line and Feature
(``strikes.api.export_lines``) when they were written by this code's declaration, and compute
them otherwise: at a million attacks computing them was most of a release's time. A Feature
is stored split where its url goes; the release's is the part before the url's key, then the
part after its value (``_FEATURE_WITHOUT_URL``): the same properties in the same order, so the
same bytes as the live exporter writes without the url (tests/releases compare the two)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from functools import partial

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from releases.services import ExportFile
from strikes.api import export_lines
from strikes.api.formats import csv_copy_sql, csv_stream, feature_collection, geojson_copy_sql
from strikes.api.representation import CSV_COLUMNS, FIELD_NAMES, Shape
from strikes.api.sql import sql_text
from strikes.models import Attack, WaveMunition

# Columns of waves.csv: one row per weapon label per published wave.
WAVE_COLUMNS = (
    "wave_id",
    "started_at",
    "ended_at",
    "label",
    "munitions",
    "munition_categories",
    "launched",
    "intercepted",
    "source",
)
# A text cell a spreadsheet would run as a formula starts with one of these (as in the API's CSV).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def public_attacks():
    """The attacks anyone may read, in the API's default order (newest first)."""
    return Attack.objects.visible_to(AnonymousUser())


# The url is a property after the first (``sql_object`` writes ``,"url":`` before its value):
# the stored Feature's head ends with that key, its tail starts after the value.
assert FIELD_NAMES.index("url") > 0
_URL_KEY = ',"url":'
_FEATURE_WITHOUT_URL = f"concat(left(e.feature_head, -{len(_URL_KEY)}), e.feature_tail, chr(10))"


def attacks_csv() -> Iterator[bytes]:
    queryset = public_attacks()
    columns = list(CSV_COLUMNS)
    live = partial(csv_copy_sql, queryset, mode=export_lines.MODE, columns=columns)
    return csv_stream(columns, export_lines.stream(queryset, export_lines.csv_sql(queryset), live))


def attacks_geojson() -> Iterator[bytes]:
    queryset = public_attacks()
    names = tuple(name for name in FIELD_NAMES if name != "url")
    shape = Shape(export_lines.MODE, names, ("", ""), timezone.get_current_timezone())
    live = partial(geojson_copy_sql, queryset, shape)
    # A line missing (which the triggers never leave) makes the stored COPY fail, never a file
    # without it; a head not ending with the url's key is NULL, the same failure.
    value = f"CASE WHEN right(e.feature_head, {len(_URL_KEY)}) = {sql_text(_URL_KEY)} THEN {_FEATURE_WITHOUT_URL} END"
    # The stored exports' own statement (ids sorted alone, then each line by its key).
    stored = export_lines._stored_sql(queryset, value, ())
    return feature_collection(export_lines.stream(queryset, stored, live))


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def published_wave_counts():
    return (
        WaveMunition.objects.filter(wave__is_draft=False)
        .select_related("wave")
        .prefetch_related("munitions")
        .order_by("wave__started_at", "wave_id", "label")
    )


def waves_csv() -> Iterator[bytes]:
    """The nightly waves' launched and intercepted counts per weapon label, as reported."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(WAVE_COLUMNS)
    for count in published_wave_counts().iterator(chunk_size=2000):
        munitions = sorted(count.munitions.all(), key=lambda m: m.name)
        wave = count.wave
        writer.writerow(
            [
                wave.pk,
                timezone.localtime(wave.started_at).isoformat(),
                timezone.localtime(wave.ended_at).isoformat() if wave.ended_at else "",
                _text(count.label),
                "; ".join(m.name for m in munitions),
                "; ".join(dict.fromkeys(m.category for m in munitions)),
                "" if count.launched is None else count.launched,
                "" if count.intercepted is None else count.intercepted,
                _text(wave.source),
            ]
        )
        if buffer.tell() > 1 << 20:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def release_files() -> list[ExportFile]:
    """The files every release holds."""
    return [
        ExportFile(
            "attacks.csv",
            "text/csv; charset=utf-8",
            "Published attacks: ACLED's 31 columns, then Strikewatch's (docs/API.md).",
            attacks_csv,
            lambda: public_attacks().count(),
        ),
        ExportFile(
            "attacks.geojson",
            "application/geo+json",
            "Published attacks as an RFC 7946 FeatureCollection (the API's representation).",
            attacks_geojson,
            lambda: public_attacks().count(),
        ),
        ExportFile(
            "waves.csv",
            "text/csv; charset=utf-8",
            "Nightly waves: launched and intercepted per weapon label, as the source reported them.",
            waves_csv,
            lambda: published_wave_counts().count(),
        ),
    ]
