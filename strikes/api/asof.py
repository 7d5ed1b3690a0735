# ruff: noqa: S608 -- SQL is built from module constants and model table names; values are placeholders.
"""``as_of=DATETIME``: attacks, their published figures, the timeline and the map as they stood
at a past moment, rebuilt from the history the database keeps.

How: for the one request, inside one transaction, a temporary table and a temporary view named
like the live tables are created — ``strikes_attack`` and ``casualties_publishedfigure`` —
holding the rows as they stood then. PostgreSQL looks a table name up in the session's
temporary schema first, so every statement the request runs (the filters, the
representation's SQL, the exports, the timeline and the map) reads the past without a line of
it changing; they are dropped before the transaction ends. A request without ``as_of`` never comes here: its SQL, its
caches and its query counts are untouched.

- Attacks: for each attack, its last history event (``strikes_attackevent``) at or before the
  moment; an attack created later is absent, one deleted since is back as it was. An attack
  with no history at all (written with the triggers off) is today's row, from its creation. The
  history keeps every column but the search vector (read from today's row, so ``q=`` still
  works) and the oblast (derived from the place, as the live trigger does).
- Published figures: today's rows where nothing that feeds them changed since the moment;
  for the attacks whose claims or decisions changed since (or whose figure row did), derived
  again from their claims and current decisions as the history gives them then, by the one
  derivation (``casualties.services.figures_derive``).
- Munitions, sources and places are read as they are now (they are not kept in history).
- The per-day and per-cell summary tables hold today's sums, so the timeline and the map sum
  the snapshot's attacks instead (``active()``).
"""

import contextvars
import datetime as dt
from collections import defaultdict
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from psycopg.types.json import Jsonb

from casualties.models import Claim, Decision, PublishedFigure
from casualties.services import figures_derive
from config.api import bad_parameter
from config.filters import MomentField
from sources.models import Article
from strikes.api.docs import ex
from strikes.models import Attack

AS_OF = "as_of"

AS_OF_PARAMETER = OpenApiParameter(
    AS_OF,
    str,
    description=(
        "The data as it stood at this moment (ISO 8601 date-time, or a date: 00:00 Kyiv time): "
        "the attacks that were published then, with the figures published then, rebuilt from "
        "the history. Not later than now (plus ATTACK_CLOCK_SKEW_MINUTES). Munitions and sources "
        "are shown as they are now."
    ),
    examples=ex("2025-12-01T00:00:00Z"),
)

_moment: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("as_of", default=None)


def active() -> bool:
    """Whether this request reads a snapshot (the summary tables hold today's sums: skip them)."""
    return _moment.get() is not None


def parse_as_of(request) -> dt.datetime | None:
    """The request's ``as_of``, or None; a 400 naming it for a bad, repeated or future value."""
    values = request.query_params.getlist(AS_OF)
    if not values:
        return None
    if len(values) > 1:
        raise bad_parameter(AS_OF, f"'{AS_OF}' was given {len(values)} times; give it once.")
    if not values[0].strip() or "\x00" in values[0]:
        raise bad_parameter(AS_OF, f"'{AS_OF}' needs a date or date-time (ISO 8601).")
    try:
        parsed = MomentField().clean(values[0])
    except ValidationError as exc:
        raise bad_parameter(AS_OF, f"Invalid value for '{AS_OF}': {' '.join(exc.messages)}") from None
    moment = parsed[0]
    latest = timezone.now() + dt.timedelta(minutes=settings.ATTACK_CLOCK_SKEW_MINUTES)
    if moment > latest:
        raise bad_parameter(AS_OF, f"'{AS_OF}' is in the future; the data can only be shown as it stood.")
    return moment


def answer(request, respond, *, attack_id=None):
    """``respond()``, read at the request's ``as_of`` when it gives one (else exactly as is).
    ``attack_id``: the request reads this one attack (a detail), so only it is rebuilt.

    A streamed export is read to the end inside the snapshot: the temporary relations do not
    outlive it."""
    moment = parse_as_of(request)
    if moment is None:
        return respond()
    with snapshot(moment, attack_id=attack_id):
        response = respond()
        if isinstance(response, StreamingHttpResponse):
            body = b"".join(response.streaming_content)
            headers = {k: v for k, v in response.items() if k.lower() != "content-length"}
            response = HttpResponse(body, status=response.status_code, headers=headers)
    return response


@contextmanager
def snapshot(moment: dt.datetime, *, attack_id: int | None = None):
    """Within the block, ``strikes_attack`` and ``casualties_publishedfigure`` read as at
    ``moment`` (only the attack ``attack_id`` and its figures, when given)."""
    token = _moment.set(moment)
    try:
        with transaction.atomic():
            _create(moment, attack_id)
            yield
            # On an error the rollback removes them; here they go before the transaction ends
            # (ON COMMIT DROP alone would leave them to a caller's enclosing transaction).
            with connection.cursor() as cursor:
                cursor.execute(
                    "DROP VIEW pg_temp.casualties_publishedfigure;"
                    " DROP TABLE pg_temp.strikes_attack, pg_temp.asof_figures, pg_temp.asof_touched"
                )
    finally:
        _moment.reset(token)


def _schema_of(cursor, table: str) -> str:
    cursor.execute("SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = %s::regclass", [table])
    return cursor.fetchone()[0]


def _create(moment: dt.datetime, attack_id: int | None) -> None:
    attack_table, figure_table = Attack._meta.db_table, PublishedFigure._meta.db_table
    attack_events = apps.get_model("strikes", "AttackEvent")._meta.db_table
    with connection.cursor() as cursor:
        live_attacks = f"{_schema_of(cursor, attack_table)}.{attack_table}"
        live_figures = f"{_schema_of(cursor, figure_table)}.{figure_table}"
        cursor.execute(f"CREATE TEMP TABLE {attack_table} (LIKE {live_attacks}) ON COMMIT DROP")
        cursor.execute(f"CREATE TEMP TABLE asof_figures (LIKE {live_figures}) ON COMMIT DROP")
        cursor.execute("CREATE TEMP TABLE asof_touched (id bigint PRIMARY KEY) ON COMMIT DROP")
        columns = [f.column for f in Attack._meta.concrete_fields]
        select = []
        for column in columns:
            if column == "search_vector":
                select.append("now_row.search_vector")
            elif column == "oblast_id":
                select.append("COALESCE(p.oblast_id, CASE WHEN p.kind = 'oblast' THEN p.id END)")
            else:
                select.append(f"e.{column}")
        cursor.execute(
            f"INSERT INTO pg_temp.{attack_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(select)} FROM ("
            f"  SELECT DISTINCT ON (pgh_obj_id) * FROM {attack_events}"
            "   WHERE pgh_created_at <= %s AND (%s::bigint IS NULL OR pgh_obj_id = %s)"
            "   ORDER BY pgh_obj_id, pgh_id DESC"
            ") e "
            f"LEFT JOIN {live_attacks} now_row ON now_row.id = e.pgh_obj_id "
            "LEFT JOIN strikes_place p ON p.id = e.place_id "
            "WHERE e.pgh_label <> 'delete'",
            [moment, attack_id, attack_id],
        )
        # Rows written with the history triggers off (the benchmark's generator) have no events:
        # today's row is the only state known, shown from the moment it was created.
        cursor.execute(
            f"INSERT INTO pg_temp.{attack_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(columns)} FROM {live_attacks} a WHERE a.created_at <= %s"
            " AND (%s::bigint IS NULL OR a.id = %s)"
            f" AND NOT EXISTS (SELECT 1 FROM {attack_events} e WHERE e.pgh_obj_id = a.id)",
            [moment, attack_id, attack_id],
        )
        cursor.execute(f"ALTER TABLE pg_temp.{attack_table} ADD PRIMARY KEY (id)")
        touched = _touched_attacks(cursor, moment, live_figures)
        cursor.execute("INSERT INTO pg_temp.asof_touched SELECT unnest(%s::bigint[])", [touched])
        _insert_derived(cursor, moment, touched)
        # The figures are a view: today's rows of the attacks nothing touched since, and the
        # derived ones of the others (copying every figure cost more than the rest together).
        cursor.execute(
            f"CREATE TEMP VIEW {figure_table} AS SELECT * FROM {live_figures} pf"
            " WHERE NOT EXISTS (SELECT 1 FROM pg_temp.asof_touched t WHERE t.id = pf.attack_id)"
            " UNION ALL SELECT * FROM pg_temp.asof_figures"
        )
        # Temporary tables are never analysed by autovacuum; without statistics the planner
        # guesses. The columns the filters and orderings use (not the search vector: slow).
        cursor.execute(
            f"ANALYZE pg_temp.{attack_table} (status, occurred_at, place_id, oblast_id, killed_best,"
            " injured_best, latitude, longitude, updated_at)"
        )
        cursor.execute("ANALYZE pg_temp.asof_touched")


def _touched_attacks(cursor, moment, live_figures: str) -> list[int]:
    """Attacks (existing at ``moment``) whose published figures may differ from today's: a claim
    or decision of theirs changed since (a claim moved between attacks counts for both), or
    their figure row was rewritten since."""
    claim_events = apps.get_model("casualties", "ClaimEvent")._meta.db_table
    decision_events = apps.get_model("casualties", "DecisionEvent")._meta.db_table
    cursor.execute(
        f"SELECT attack_id FROM {claim_events} WHERE pgh_obj_id IN"
        f" (SELECT pgh_obj_id FROM {claim_events} WHERE pgh_created_at > %(t)s)"
        f" UNION SELECT attack_id FROM {decision_events} WHERE pgh_obj_id IN"
        f" (SELECT pgh_obj_id FROM {decision_events} WHERE pgh_created_at > %(t)s)"
        f" UNION SELECT attack_id FROM {live_figures} WHERE updated_at > %(t)s",
        {"t": moment},
    )
    touched = {row[0] for row in cursor.fetchall()}
    if not touched:
        return []
    cursor.execute("SELECT id FROM pg_temp.strikes_attack WHERE id = ANY(%s)", [sorted(touched)])
    return sorted(row[0] for row in cursor.fetchall())


def _rows_at(model, moment, attack_ids: list[int]) -> list:
    """Instances of ``model`` (Claim, Decision) as their history has them at ``moment``."""
    events = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    names = [f.attname for f in model._meta.concrete_fields]
    latest = (
        events.objects.filter(
            pgh_created_at__lte=moment,
            pgh_obj_id__in=events.objects.filter(attack_id__in=attack_ids).values("pgh_obj_id"),
        )
        .order_by("pgh_obj_id", "-pgh_id")
        .distinct("pgh_obj_id")
        .values("pgh_label", *names)
    )
    return [
        model(**{n: row[n] for n in names})
        for row in latest
        if row["pgh_label"] != "delete" and row["attack_id"] in attack_ids
    ]


def _insert_derived(cursor, moment, attack_ids: list[int]) -> None:
    """The published figures of ``attack_ids`` at ``moment``, derived from the claims and decisions then."""
    if not attack_ids:
        return
    wanted = set(attack_ids)
    claims = [c for c in _rows_at(Claim, moment, attack_ids) if c.attack_id in wanted]
    articles = (
        Article.objects.select_related("outlet")
        .only("id", "outlet__grade")
        .in_bulk({c.article_id for c in claims if c.article_id})
    )
    by_attack = defaultdict(list)
    for claim in claims:
        claim.article = articles.get(claim.article_id) if claim.article_id else None
        by_attack[claim.attack_id].append(claim)
    decisions = defaultdict(dict)
    for decision in _rows_at(Decision, moment, attack_ids):
        if decision.is_current and decision.attack_id in wanted:
            decisions[decision.attack_id][decision.category] = decision
    rows = []
    for attack_id in attack_ids:
        for category, values in figures_derive(by_attack[attack_id], decisions[attack_id]).items():
            rows.append((attack_id, category, values))
    for number, (attack_id, category, values) in enumerate(rows, start=1):
        cursor.execute(
            "INSERT INTO pg_temp.asof_figures (id, attack_id, category, status, best, low, high, claim_ids,"
            " conservative, range_low, range_high, decision_id, conflict, severity, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                -number,  # not a live row's id
                attack_id,
                category,
                values["status"],
                values["best"],
                values["low"],
                values["high"],
                list(values["claim_ids"]),
                values["conservative"],
                values["range_low"],
                values["range_high"],
                values["decision_id"],
                None if values["conflict"] is None else Jsonb(values["conflict"]),
                values["severity"],
                moment,
            ],
        )
