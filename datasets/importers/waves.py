"""The nightly attacks dataset ("Massive Missile Attacks on Ukraine", ``missile_attacks_daily.csv``)
as waves: one :class:`~strikes.models.Wave` per (time_start, time_end) group of rows and one
:class:`~strikes.models.WaveMunition` per weapon label within it.

Parsing (:func:`daily_row_parse`, :func:`waves_group`) is pure. :func:`waves_import` writes.

Decisions worth knowing (also in docs/IMPORTS.md):

- Times are Kyiv local time (the Air Force reports in it). A bare date starts at 00:00
  and, as an end, means the end of that day (24:00).
- A wave's identity is its normalised (start, end) pair, e.g. ``2024-06-01/2024-06-01``
  or ``2026-04-04T18:00/2026-04-05T08:00``; re-importing the file, or a newer version of
  it, updates those waves instead of adding new ones.
- Several rows with the same label in one wave (47 in the 2026 file: the same weapon
  reported per target or by two commands) are summed into one count, each row kept in
  ``details["parts"]``.
- Within a wave present in the file, the file is the truth: a label no longer in it is
  removed. Waves absent from the file are left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from datasets.importers.common import (
    ImportSummary,
    RowError,
    batched,
    blank,
    clean,
    parse_count,
    parse_iso,
    parse_literal,
    progress_bar,
    table_open,
)

DAILY_REQUIRED = frozenset({"time_start", "time_end", "model", "launched", "destroyed"})
WHAT_DAILY = "the nightly attacks dataset (missile_attacks_daily.csv)"
WHAT_WEAPONS = "the weapons table of the nightly dataset (missiles_and_uavs.csv: model, category, ...)"

# Columns kept in WaveMunition.details as the source wrote them (under their own names).
_COUNT_COLUMNS = (
    "not_reach_goal",
    "still_attacking",
    "is_shahed",
    "num_hit_location",
    "num_fall_fragment_location",
    "turbojet",
    "turbojet_destroyed",
)
_TEXT_COLUMNS = ("launch_place", "target", "target_main", "carrier")
_LITERAL_COLUMNS = (
    "border_crossing",
    "affected region",
    "destroyed_details",
    "launched_details",
    "launch_place_details",
)

# Waves per transaction: big enough to be fast, small enough that an error loses little.
BATCH_WAVES = 250


@dataclass
class DailyRow:
    """One parsed row of the daily file."""

    line: int
    started_at: dt.datetime
    ended_at: dt.datetime
    wave_key: str
    label: str
    launched: int | None
    intercepted: int | None
    source: str
    details: dict
    warnings: list[str] = field(default_factory=list)


# Counts beyond this are typing errors, not a night's launches (the record is a few hundred).
MAX_COUNT = 100_000


def _time_point(value, *, name: str, end: bool) -> tuple[dt.datetime, str]:
    parsed = parse_iso(value, name=name)
    if parsed is None:
        raise RowError(f"{name} is empty")
    moment, has_time = parsed
    if has_time:
        return moment, moment.strftime("%Y-%m-%dT%H:%M")
    key = moment.strftime("%Y-%m-%d")
    if end:
        # A bare end date covers the whole of that day.
        moment = (moment.replace(tzinfo=None) + dt.timedelta(days=1)).replace(tzinfo=moment.tzinfo)
    return moment, key


def daily_row_parse(line: int, row: dict[str, str]) -> DailyRow:
    """One row of the daily file → :class:`DailyRow`; raises :class:`RowError` with the reason."""
    if "__short__" in row:
        raise RowError(f"the row has {row['__short__']}")
    started_at, start_key = _time_point(row.get("time_start"), name="time_start", end=False)
    ended_at, end_key = _time_point(row.get("time_end"), name="time_end", end=True)
    if ended_at < started_at:
        raise RowError(f"time_end {row.get('time_end')!r} is before time_start {row.get('time_start')!r}")
    label = clean(row.get("model"))
    if not label:
        raise RowError("model is empty")
    if len(label) > 300:
        raise RowError(f"model is {len(label)} characters long (at most 300)")
    launched = parse_count(row.get("launched"), name="launched")
    intercepted = parse_count(row.get("destroyed"), name="destroyed")
    for name, value in (("launched", launched), ("destroyed", intercepted)):
        if value is not None and value > MAX_COUNT:
            raise RowError(f"{name} {value} is not a plausible count (more than {MAX_COUNT:,})")
    details: dict = {}
    warnings: list[str] = []
    if launched is not None and intercepted is not None and intercepted > launched:
        warnings.append(f"destroyed ({intercepted}) is more than launched ({launched}); imported as written")
    for col in _TEXT_COLUMNS:
        if not blank(row.get(col)):
            details[col] = clean(row[col])
    for col in _COUNT_COLUMNS:
        if blank(row.get(col)):
            continue
        try:
            details[col] = parse_count(row[col], name=col)
        except RowError:
            details[col] = clean(row[col])  # kept as written; not a figure we use
    for col in _LITERAL_COLUMNS:
        try:
            value = parse_literal(row.get(col), name=col)
        except RowError as exc:
            # The counts are still good; the cell is kept as text and reported.
            warnings.append(f"{exc}; kept as text")
            value = clean(row.get(col))
        if value not in (None, {}, [], ""):
            details[col] = value
    source = clean(row.get("source"))
    if source:
        details["source"] = source
    return DailyRow(
        line=line,
        started_at=started_at,
        ended_at=ended_at,
        wave_key=f"{start_key}/{end_key}",
        label=label,
        launched=launched,
        intercepted=intercepted,
        source=source,
        details=details,
        warnings=warnings,
    )


@dataclass
class WaveItem:
    """The counts for one label in one wave (one or more rows summed)."""

    label: str
    launched: int | None = None
    intercepted: int | None = None
    lines: list[int] = field(default_factory=list)
    parts: list[tuple[int | None, int | None, dict]] = field(default_factory=list)

    @property
    def details(self) -> dict:
        """The source columns of the row; of each row, with its own counts, when several were summed."""
        if len(self.parts) == 1:
            return dict(self.parts[0][2])
        return {"parts": [{**d, "launched": n, "destroyed": k} for n, k, d in self.parts]}


@dataclass
class WaveData:
    """One (time_start, time_end) group of the daily file."""

    key: str
    started_at: dt.datetime
    ended_at: dt.datetime
    sources: list[str] = field(default_factory=list)
    items: dict[str, WaveItem] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return "; ".join(self.sources)[:500]


def _add(total: int | None, value: int | None) -> int | None:
    if value is None:
        return total
    return value if total is None else total + value


def waves_group(rows: list[DailyRow]) -> tuple[dict[str, WaveData], int]:
    """Group parsed rows into waves, summing rows with the same label. Returns (waves, rows merged)."""
    waves: dict[str, WaveData] = {}
    merged = 0
    for row in rows:
        wave = waves.get(row.wave_key)
        if wave is None:
            wave = waves[row.wave_key] = WaveData(row.wave_key, row.started_at, row.ended_at)
        if row.source and row.source not in wave.sources:
            wave.sources.append(row.source)
        item = wave.items.get(row.label)
        if item is None:
            item = wave.items[row.label] = WaveItem(row.label)
        else:
            merged += 1
        item.launched = _add(item.launched, row.launched)
        item.intercepted = _add(item.intercepted, row.intercepted)
        item.lines.append(row.line)
        item.parts.append((row.launched, row.intercepted, row.details))
    return waves, merged


# --- Writing ---


def waves_import(
    *,
    path,
    weapons_path=None,
    by=None,
    show_progress: bool = False,
    encoding: str | None = None,
) -> ImportSummary:
    """Import the nightly attacks dataset as waves with per-weapon counts (idempotent).

    With ``weapons_path`` the munition catalogue is first extended from the weapons table.
    Raises :class:`~datasets.importers.common.FileRefused` for a file in another format.
    """
    from django.db import transaction

    from config.history import history_context
    from datasets.importers.attacks import stop_if_not_about_rows
    from datasets.importers.munitions import (
        WEAPONS_REQUIRED,
        munition_index_load,
        munitions_extend,
        unmatched_counter,
    )

    table = table_open(path, required=DAILY_REQUIRED, what=WHAT_DAILY, encoding=encoding)
    weapons_table = table_open(weapons_path, required=WEAPONS_REQUIRED, what=WHAT_WEAPONS) if weapons_path else None
    summary = ImportSummary(source=f"{table.path.name} (nightly attacks dataset)")

    if weapons_table is not None:
        with history_context(by, "munitions_extend"):
            ext = munitions_extend(table=weapons_table)
        summary.counts["catalogue: munitions added from the weapons table"] = ext["created"]
        summary.counts["catalogue: munitions given more names or fields"] = ext["updated"]
        if ext["split"]:
            summary.notes.append(
                f"{ext['split']} 'A/B' weapons-table models were not added as rows of their own: "
                "both halves are in the catalogue and a label naming them links to each."
            )
        if ext["combinations"]:
            summary.notes.append(
                f"{len(ext['combinations'])} weapons-table rows name combinations "
                "('X-101/X-555 and Kalibr') and are matched through their parts."
            )
        for problem in ext["problems"]:
            summary.notes.append(f"weapons table {problem}")

    parsed: list[DailyRow] = []
    for line, row in table.rows():
        summary.rows_read += 1
        try:
            parsed.append(daily_row_parse(line, row))
        except RowError as exc:
            summary.problem(line, str(exc))
            continue
        for warning in parsed[-1].warnings:
            summary.warning(line, warning)
    waves, merged = waves_group(parsed)
    if merged:
        summary.counts["rows summed into a label already in their wave"] = merged

    index = munition_index_load()
    if not index.names:
        summary.notes.append(
            "The munition catalogue is empty, so no label is linked to a munition: "
            "run `manage.py load_reference` (and/or pass --weapons) and import again."
        )
    matches = {}
    for wave in waves.values():
        for label, item in wave.items.items():
            if label not in matches:
                matches[label] = index.match(label)
            match = matches[label]
            if match.unmatched:
                for value, n in unmatched_counter([(label, match)]).items():
                    summary.not_matched[value] += n * len(item.lines)

    ordered = sorted(waves.values(), key=lambda w: (w.started_at, w.key))
    with progress_bar(total=len(parsed), desc="waves", enabled=show_progress) as bar:
        for chunk in batched(ordered, BATCH_WAVES):
            try:
                with transaction.atomic(), history_context(by, "waves_import"):
                    tally = ImportSummary(source="")
                    _write_waves(chunk, matches, tally)
            except Exception as exc:  # a failed batch is reported row by row; the other batches go on
                stop_if_not_about_rows(exc, min(line for w in chunk for i in w.items.values() for line in i.lines))
                for wave in chunk:
                    for item in wave.items.values():
                        for line in item.lines:
                            summary.problem(line, f"not written: the batch failed ({exc.__class__.__name__}: {exc})")
            else:
                summary.created += tally.created
                summary.updated += tally.updated
                summary.unchanged += tally.unchanged
                summary.counts.update(tally.counts)
            bar.update(sum(len(i.lines) for w in chunk for i in w.items.values()))
    summary.counts["waves in the file"] = len(waves)
    return summary.finish()


def _write_waves(chunk: list[WaveData], matches: dict, summary: ImportSummary) -> None:
    from strikes.choices import ExternalSource
    from strikes.models import Wave, WaveMunition

    keys = [w.key for w in chunk]
    existing = {
        w.external_id: w for w in Wave.objects.filter(external_source=ExternalSource.NIGHTLY, external_id__in=keys)
    }
    new_waves, changed_waves = [], []
    for data in chunk:
        wave = existing.get(data.key)
        if wave is None:
            wave = Wave(
                started_at=data.started_at,
                ended_at=data.ended_at,
                source=data.source,
                external_source=ExternalSource.NIGHTLY,
                external_id=data.key,
            )
            wave.full_clean(validate_unique=False, validate_constraints=False)
            new_waves.append(wave)
            existing[data.key] = wave
        elif (wave.started_at, wave.ended_at, wave.source) != (data.started_at, data.ended_at, data.source):
            wave.started_at, wave.ended_at, wave.source = data.started_at, data.ended_at, data.source
            changed_waves.append(wave)
    Wave.objects.bulk_create(new_waves)
    if changed_waves:
        Wave.objects.bulk_update(changed_waves, ["started_at", "ended_at", "source", "updated_at"])
    summary.counts["waves created"] += len(new_waves)
    summary.counts["waves updated"] += len(changed_waves)

    wave_ids = [existing[k].pk for k in keys]
    Through = WaveMunition.munitions.through
    current: dict[tuple[int, str], WaveMunition] = {
        (wm.wave_id, wm.label): wm for wm in WaveMunition.objects.filter(wave_id__in=wave_ids)
    }
    links: dict[int, set[int]] = {}
    for wm_id, mid in Through.objects.filter(wavemunition_id__in=[wm.pk for wm in current.values()]).values_list(
        "wavemunition_id", "munition_id"
    ):
        links.setdefault(wm_id, set()).add(mid)

    to_create: list[tuple[WaveMunition, list[int]]] = []
    to_update: list[WaveMunition] = []
    relink: dict[int, list[int]] = {}
    keep: set[int] = set()
    for data in chunk:
        wave = existing[data.key]
        for label, item in data.items.items():
            ids = matches[label].ids
            wm = current.get((wave.pk, label))
            rows = len(item.lines)
            if wm is None:
                wm = WaveMunition(
                    wave=wave, label=label, launched=item.launched, intercepted=item.intercepted, details=item.details
                )
                to_create.append((wm, ids))
                summary.created += rows
                continue
            keep.add(wm.pk)
            changed = (wm.launched, wm.intercepted, wm.details) != (item.launched, item.intercepted, item.details)
            if changed:
                wm.launched, wm.intercepted, wm.details = item.launched, item.intercepted, item.details
                to_update.append(wm)
            if links.get(wm.pk, set()) != set(ids):
                relink[wm.pk] = ids
                changed = True
            if changed:
                summary.updated += rows
            else:
                summary.unchanged += rows
    stale = [wm.pk for wm in current.values() if wm.pk not in keep]
    if stale:
        WaveMunition.objects.filter(pk__in=stale).delete()
        summary.counts["labels removed from waves (no longer in the file)"] += len(stale)
    WaveMunition.objects.bulk_create([wm for wm, _ids in to_create])
    if to_update:
        WaveMunition.objects.bulk_update(to_update, ["launched", "intercepted", "details"])
    if relink:
        Through.objects.filter(wavemunition_id__in=list(relink)).delete()
    Through.objects.bulk_create(
        [Through(wavemunition_id=wm.pk, munition_id=mid) for wm, ids in to_create for mid in ids]
        + [Through(wavemunition_id=wm_id, munition_id=mid) for wm_id, ids in relink.items() for mid in ids]
    )
