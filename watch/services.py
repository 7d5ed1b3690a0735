"""Saved searches: saving one, checking them for changes, and delivering what they found.

A check looks at the attack history (the ``strikes_attackevent`` rows django-pghistory writes
for every change of an attack) between the search's watermark and ``now - WATCH_OVERLAP``
(a transaction that started before then and commits late still lands inside the next window,
as in ``/changes/``). For each attack touched in the window it compares the state before the
window with the state now:

- **new**: public now, not public before (published, or created published, in the window);
- **changed**: public before and now, and its published killed or injured figure differs;
- **retracted**: public before, retracted now;

and keeps those the search's filters match (on the attack as it is now). Each is recorded as a
``Notification`` keyed by the search, the attack, the kind and the history event, so the same
change is never recorded twice, and the watermark moves in the same transaction. Each check
that found something queues one delivery per channel (e-mail, webhook).

Deliveries are tried by a task; a failure is retried with exponential backoff (1, 2, 4, 8 ...
minutes), and a webhook that failed ``WATCH_WEBHOOK_MAX_FAILURES`` times in a row is switched
off with the reason, until its owner switches it on again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from config.history import history_context
from sources.fetch import PinnedTransport
from sources.safety import Refused, ResolveError, target_check
from strikes.choices import AttackStatus
from strikes.models import Attack
from strikes.queries import attack_ids_matching_many, attack_query_clean
from watch.choices import ChangeKind, Channel, DeliveryStatus
from watch.models import Delivery, Notification, SavedSearch

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Strikewatch-Signature"
TIMESTAMP_HEADER = "X-Strikewatch-Timestamp"
DELIVERY_HEADER = "X-Strikewatch-Delivery"
DELIVERY_TASK = "watch.tasks.delivery_send"


# --- Saving ---


def webhook_url_check(url: str) -> None:
    """Refuse a webhook URL the server must not call (private addresses, odd ports, credentials),
    with the same checks as fetching articles; ``WATCH_WEBHOOK_ALLOWED_HOSTS`` lists exceptions."""
    if not url:
        return
    try:
        target_check(url, allowed_hosts=settings.WATCH_WEBHOOK_ALLOWED_HOSTS)
    except Refused as exc:
        reason = str(exc).replace("fetched", "called").replace("INGEST_ALLOWED_HOSTS", "WATCH_WEBHOOK_ALLOWED_HOSTS")
        raise ValidationError({"webhook_url": reason}) from None
    except ResolveError as exc:
        raise ValidationError({"webhook_url": f"The webhook's host cannot be resolved: {exc}"}) from None


def search_save(*, user, name: str, query: str, email: str = "", webhook_url: str = "") -> SavedSearch:
    """Save a search for ``user``; it reports changes from now on. Refused with the message on
    the field: no name, filters the API would refuse, no channel, a webhook the server must not call."""
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = ["Give the search a name."]
    try:
        query = attack_query_clean(query)
    except ValidationError as exc:
        errors["query"] = [f"{field}: {'; '.join(msgs)}" for field, msgs in exc.message_dict.items()]
    if not email and not webhook_url:
        errors["email"] = ["Choose at least one way to be told: an e-mail address or a webhook."]
    try:
        webhook_url_check(webhook_url)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    search = SavedSearch(
        user=user, name=name, query=query, email=email, webhook_url=webhook_url, checked_until=timezone.now()
    )
    search.full_clean()
    with transaction.atomic(), history_context(user, "search_save"):
        search.save()
    return search


def webhook_enable(*, search: SavedSearch) -> None:
    """Switch a webhook switched off after failures back on (its failure count starts again)."""
    SavedSearch.objects.filter(pk=search.pk).update(
        webhook_failures=0, webhook_disabled_at=None, webhook_disabled_reason="", updated_at=timezone.now()
    )


# --- Checking ---

# Per attack touched in (since, until]: its latest event there, and its state at the last event
# before since (none when it did not exist yet). "pgh_id + 0": ordered by the bare pgh_id, the
# planner may walk the whole primary key backwards per touched attack looking for its events
# (it did on a history table of few live and many dead rows, never analysed: 10,000 touched
# attacks took 99 s in EXPLAIN ANALYZE at 200,000 attacks); the expression leaves it the attack's
# own events by strikes_attackevent's pgh_obj_id index, sorted (0.1 s).
_TOUCHED_SQL = """
WITH touched AS (
    SELECT pgh_obj_id AS id, max(pgh_id) AS event_id
    FROM strikes_attackevent
    WHERE pgh_created_at > %(since)s AND pgh_created_at <= %(until)s
    GROUP BY pgh_obj_id
)
SELECT t.id, t.event_id, before.status, before.killed_best, before.injured_best
FROM touched AS t
LEFT JOIN LATERAL (
    SELECT e.status, e.killed_best, e.injured_best
    FROM strikes_attackevent AS e
    WHERE e.pgh_obj_id = t.id AND e.pgh_created_at <= %(since)s
    ORDER BY e.pgh_id + 0 DESC
    LIMIT 1
) AS before ON true
"""


def _changes(since: dt.datetime, until: dt.datetime) -> dict[int, tuple[str, int]]:
    """attack id -> (kind, event id) for every attack whose public state changed in the window."""
    with connection.cursor() as cursor:
        cursor.execute(_TOUCHED_SQL, {"since": since, "until": until})
        touched = {row[0]: row[1:] for row in cursor.fetchall()}
    if not touched:
        return {}
    # The ids as one array, not a placeholder each (10,000 of them after an import).
    now = {
        pk: (status, killed, injured)
        for pk, status, killed, injured in Attack.objects.filter(
            pk__in=RawSQL("SELECT unnest(%s::bigint[])", (list(touched),))
        ).values_list("pk", "status", "killed_best", "injured_best")
    }
    changes = {}
    for pk, (event_id, before_status, before_killed, before_injured) in touched.items():
        if pk not in now:
            continue
        status, killed, injured = now[pk]
        was_public, is_public = before_status == AttackStatus.PUBLISHED, status == AttackStatus.PUBLISHED
        if is_public and not was_public:
            changes[pk] = (ChangeKind.NEW, event_id)
        elif is_public and (killed, injured) != (before_killed, before_injured):
            changes[pk] = (ChangeKind.CHANGED, event_id)
        elif was_public and status == AttackStatus.RETRACTED:
            changes[pk] = (ChangeKind.RETRACTED, event_id)
    return changes


def searches_check(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Check every saved search for changes up to ``now - WATCH_OVERLAP_SECONDS``; queue deliveries.

    Searches sharing a watermark share one window: one read of the history, one matching of its
    changes against all their queries (``attack_ids_matching_many``: each distinct query's filters
    compiled once, the changed attacks read once per ~100 queries) and one transaction recording
    what they found (a few statements for the whole window, not a handful per search).
    Returns counts: searches checked, notifications recorded, deliveries queued.
    """
    until = (now or timezone.now()) - dt.timedelta(seconds=settings.WATCH_OVERLAP_SECONDS)
    counts = {"searches": 0, "notifications": 0, "deliveries": 0}
    windows: dict[dt.datetime, list[SavedSearch]] = {}
    for search in SavedSearch.objects.filter(checked_until__lt=until).select_related("user").order_by("id"):
        windows.setdefault(search.checked_until, []).append(search)
    for since, searches in windows.items():
        changes = _changes(since, until)
        matches = attack_ids_matching_many([s.query for s in searches], changes) if changes else {}
        recorded, queued = _window_record(since, until, searches, changes, matches)
        counts["searches"] += len(searches)
        counts["notifications"] += recorded
        counts["deliveries"] += queued
    return counts


def _window_record(
    since: dt.datetime,
    until: dt.datetime,
    searches: list[SavedSearch],
    changes: dict[int, tuple[str, int]],
    matches: dict[str, set[int]],
) -> tuple[int, int]:
    """Move the watermarks of ``searches`` (all at ``since``) to ``until`` and record what each
    one's query matched among ``changes``, in one transaction; queue the deliveries on commit.
    Returns (notifications, deliveries)."""
    table = SavedSearch._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # The watermark moves only if no other check moved it first: one recorder per window. The
        # rows are locked in id order, so two checks at once wait for each other (the second then
        # finds the watermarks moved and records nothing) instead of deadlocking.
        cursor.execute(
            f"UPDATE {table} SET checked_until = %s WHERE id IN ("  # noqa: S608
            f" SELECT id FROM {table} WHERE id = ANY(%s::bigint[]) AND checked_until = %s ORDER BY id FOR UPDATE)"
            " RETURNING id",
            [until, [s.pk for s in searches], since],
        )
        moved = {row[0] for row in cursor.fetchall()}
        found = [s for s in searches if s.pk in moved and matches.get(s.query)]
        if not found:
            return 0, 0
        # The deliveries first, so that each notification is written once with its links (an
        # UPDATE after rewrote every one of ~130,000 rows and their indexes in the bench); their
        # payloads once the notifications inserted are known.
        channels: dict[int, tuple[Delivery | None, Delivery | None]] = {}
        for search in found:
            email = Delivery(search=search, channel=Channel.EMAIL, payload={}) if search.email else None
            webhook = None
            if search.webhook_url and search.webhook_disabled_at is None:
                webhook = Delivery(search=search, channel=Channel.WEBHOOK, payload={})
            channels[search.pk] = (email, webhook)
        deliveries = [d for pair in channels.values() for d in pair if d is not None]
        Delivery.objects.bulk_create(deliveries)  # in the searches' order, e-mail before webhook
        rows = [
            (search.pk, pk, *changes[pk], *(d.pk if d else None for d in channels[search.pk]))
            for search in found
            for pk in sorted(matches[search.query])
        ]
        created = _notifications_insert(cursor, rows)
        payloads: dict[int, dict] = {}  # delivery id -> its payload
        for search in found:
            if search.pk in created:
                payload = _payload(search, created[search.pk])
                payloads.update((d.pk, payload) for d in channels[search.pk] if d is not None)
        # A search whose every match was recorded before has no change to tell: no delivery.
        unused = [d.pk for d in deliveries if d.pk not in payloads]
        deliveries = [d for d in deliveries if d.pk in payloads]
        if unused:
            Delivery.objects.filter(pk__in=unused).delete()
        # One JSON object {delivery id: payload}: psycopg quotes one string, where a text[] of
        # payloads was escaped element by element in Python (most of the check's CPU in cProfile).
        cursor.execute(
            f"UPDATE {Delivery._meta.db_table} AS d SET payload = p.payload"  # noqa: S608
            " FROM jsonb_each(%s::jsonb) AS p(id, payload) WHERE d.id = p.id::bigint",
            [json.dumps(payloads)],
        )
        transaction.on_commit(lambda: _send_soon([d.pk for d in deliveries]), robust=True)
    return sum(len(mine) for mine in created.values()), len(deliveries)


def _notifications_insert(
    cursor, rows: list[tuple[int, int, str, int, int | None, int | None]]
) -> dict[int, list[tuple[int, int, str]]]:
    """Insert (search, attack, kind, event, e-mail delivery, webhook delivery) notifications; a
    row already there is skipped, not an error (the unique key is the guarantee of exactly once).
    Returns per search the (id, attack id, kind) of its rows inserted, by id."""
    # The rows as one JSON array, not six placeholders a row: an import's 10,000 attacks matched
    # by a thousand searches are ~130,000 rows (bench/features.py watch), each compiled and adapted
    # before; arrays of them were still escaped element by element in Python.
    cursor.execute(
        f"INSERT INTO {Notification._meta.db_table}"  # noqa: S608
        " (search_id, attack_id, kind, event_id, delivery_email_id, delivery_webhook_id, created_at)"
        " SELECT (r.item->>0)::bigint, (r.item->>1)::bigint, r.item->>2, (r.item->>3)::bigint,"
        "  (r.item->>4)::bigint, (r.item->>5)::bigint, now()"
        " FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS r(item, n)"
        " ORDER BY r.n"
        " ON CONFLICT (search_id, attack_id, kind, event_id) DO NOTHING RETURNING id, search_id, attack_id, kind",
        [json.dumps(rows)],
    )
    created: dict[int, list[tuple[int, int, str]]] = {}
    for pk, search_id, attack_id, kind in sorted(cursor.fetchall()):
        created.setdefault(search_id, []).append((pk, attack_id, kind))
    return created


def _payload(search: SavedSearch, notifications: list[tuple[int, int, str]]) -> dict:
    """What a delivery carries: the search, and its (id, attack id, kind) notifications in order."""
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    return {
        "search": {"id": search.pk, "name": search.name, "query": search.query},
        "changes": [
            {
                "attack": attack_id,
                "kind": kind,
                "url": f"{base}/api/v1/attacks/{attack_id}/",
                "page": f"{base}/attacks/{attack_id}/",
            }
            for _pk, attack_id, kind in notifications
        ],
    }


def _send_soon(ids: list[int]) -> None:
    # By name, as sources sends its tasks: the task module imports this one. A message lost
    # here (broker down) is not a delivery lost: watch_tick sends every pending one that is due.
    from config.celery import app

    for pk in ids:
        app.signature(DELIVERY_TASK, args=(pk,)).apply_async()


# --- Delivering ---


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The webhook signature: HMAC-SHA256 over ``"<timestamp>.<body>"`` with the search's secret."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _email_send(delivery: Delivery) -> None:
    changes, name = delivery.payload["changes"], delivery.payload["search"]["name"]
    manage = settings.PUBLIC_BASE_URL.rstrip("/") + "/searches/"
    lines = [f"Your saved search “{name}” has changed:", ""]
    lines += [f"{c['kind']}: {c['page']}" for c in changes]
    lines += ["", f"Manage your saved searches: {manage}"]
    send_mail(
        subject=f"Strikewatch: {len(changes)} change(s) for “{name}”",
        message="\n".join(lines),
        from_email=None,
        recipient_list=[delivery.search.email],
    )


def _webhook_send(delivery: Delivery) -> int:
    search = delivery.search
    target = target_check(search.webhook_url, allowed_hosts=settings.WATCH_WEBHOOK_ALLOWED_HOSTS)
    body = json.dumps({"delivery": delivery.pk, **delivery.payload}, sort_keys=True).encode()
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Strikewatch-Webhook",
        TIMESTAMP_HEADER: timestamp,
        DELIVERY_HEADER: str(delivery.pk),
        SIGNATURE_HEADER: signature(search.webhook_secret, timestamp, body),
    }
    timeout = httpx.Timeout(settings.WATCH_WEBHOOK_TIMEOUT_SECONDS)
    with httpx.Client(transport=PinnedTransport(target), timeout=timeout, follow_redirects=False) as client:
        response = client.post(search.webhook_url, content=body, headers=headers)
    if not 200 <= response.status_code < 300:
        raise httpx.HTTPStatusError(f"answered {response.status_code}", request=response.request, response=response)
    return response.status_code


def delivery_send(delivery_id: int) -> str:
    """Try one pending delivery once; on failure schedule the next attempt (or give up)."""
    with transaction.atomic():
        # Locks the delivery row only (of="self"): a search's e-mail and webhook are sent in parallel.
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("search")
            .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if delivery is None:
            return "not pending"
        now = timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return "not due"
        delivery.attempts += 1
        search = delivery.search
        try:
            if delivery.channel == Channel.EMAIL:
                _email_send(delivery)
            else:
                if search.webhook_disabled_at is not None:
                    raise RuntimeError("the webhook is switched off")
                delivery.response_status = _webhook_send(delivery)
        except Exception as exc:  # network, refusal, SMTP, non-2xx: recorded, retried, never lost
            return _failed(delivery, search, exc, now)
        delivery.status, delivery.sent_at, delivery.last_error, delivery.next_attempt_at = (
            DeliveryStatus.SENT,
            now,
            "",
            None,
        )
        delivery.save()
        if delivery.channel == Channel.WEBHOOK and search.webhook_failures:
            SavedSearch.objects.filter(pk=search.pk).update(webhook_failures=0)
        return "sent"


def _failed(delivery: Delivery, search: SavedSearch, exc: Exception, now: dt.datetime) -> str:
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:1000]
    response = getattr(exc, "response", None)
    delivery.response_status = getattr(response, "status_code", None)
    if delivery.channel == Channel.WEBHOOK:
        failures = search.webhook_failures + 1
        updates = {"webhook_failures": failures}
        if failures >= settings.WATCH_WEBHOOK_MAX_FAILURES and search.webhook_disabled_at is None:
            updates |= {
                "webhook_disabled_at": now,
                "webhook_disabled_reason": f"Switched off after {failures} failed attempts in a row; "
                f"last: {delivery.last_error}",
            }
        SavedSearch.objects.filter(pk=search.pk).update(**updates)
        if "webhook_disabled_at" in updates or search.webhook_disabled_at is not None:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.GIVEN_UP, None
            delivery.save()
            return "given up"
    if delivery.attempts >= settings.WATCH_DELIVERY_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.GIVEN_UP, None
    else:
        backoff = settings.WATCH_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = now + dt.timedelta(seconds=backoff)
    delivery.save()
    logger.info("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, delivery.last_error)
    return "failed"


def deliveries_due(*, now: dt.datetime | None = None) -> list[int]:
    """Pending deliveries whose next attempt is due (or never tried)."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
        .values_list("pk", flat=True)[:1000]
    )
