"""``/changes/``: what a synced copy must remove, read from the history tables."""

import datetime as dt

from django.conf import settings
from django.db import connections
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from casualties.models import Claim, Decision
from config.api import AnonThrottle, JSONErrorsMixin, JSONParser, bad_parameter
from config.filters import MomentField
from config.replicas import read_alias
from strikes.api import docs
from strikes.choices import AttackStatus
from strikes.models import Attack
from strikes.querysets import AttackQuerySet

# How far behind "now" `until` is set (longer than any write transaction should take).
SYNC_OVERLAP = dt.timedelta(minutes=2)

# Entries of one kind in one answer; beyond it ``truncated`` is true and ``until`` is the
# time of the last entry given, so asking again from there continues.
MAX_ENTRIES = 10_000

# Attacks touched since `since` that were public then or became public since, and are not public now.
_ATTACKS_SQL = """
WITH touched AS (
    SELECT DISTINCT pgh_obj_id AS id FROM strikes_attackevent WHERE pgh_created_at >= %(since)s
),
before AS (
    SELECT DISTINCT ON (e.pgh_obj_id) e.pgh_obj_id AS id, e.status
    FROM strikes_attackevent AS e JOIN touched AS t ON t.id = e.pgh_obj_id
    WHERE e.pgh_created_at < %(since)s
    ORDER BY e.pgh_obj_id, e.pgh_id DESC
),
during AS (
    SELECT e.pgh_obj_id AS id,
           bool_or(e.status = 'published') AS was_public,
           max(e.pgh_created_at) AS at
    FROM strikes_attackevent AS e JOIN touched AS t ON t.id = e.pgh_obj_id
    WHERE e.pgh_created_at >= %(since)s
    GROUP BY e.pgh_obj_id
)
SELECT d.id, d.at, a.id IS NULL AS gone, a.status, a.retraction_reason
FROM during AS d
LEFT JOIN before AS b ON b.id = d.id
LEFT JOIN strikes_attack AS a ON a.id = d.id
WHERE (d.was_public OR b.status = 'published') AND (a.id IS NULL OR a.status <> 'published')
ORDER BY d.at, d.id
LIMIT %(limit)s
"""

ChangeEntry = inline_serializer(
    "Change",
    {
        "type": serializers.ChoiceField(choices=["attack", "claim", "decision"]),
        "id": serializers.IntegerField(),
        "attack": serializers.IntegerField(help_text="The attack concerned."),
        "change": serializers.ChoiceField(choices=["retracted", "unpublished", "deleted", "withdrawn", "replaced"]),
        "at": serializers.DateTimeField(),
        "reason": serializers.CharField(allow_blank=True),
    },
    many=True,
)


class ChangesView(JSONErrorsMixin, APIView):
    """Attacks retracted, unpublished or deleted, claims withdrawn and decisions replaced since a time."""

    @extend_schema(
        summary="Removals since a time",
        description=docs.CHANGES,
        parameters=[
            OpenApiParameter(
                "since",
                str,
                required=True,
                description="ISO 8601 date or date-time (a date: 00:00 Kyiv time).",
                examples=docs.ex("2025-04-25T00:00:00Z"),
            )
        ],
        responses={
            200: inline_serializer(
                "Changes",
                {
                    "since": serializers.DateTimeField(),
                    "until": serializers.DateTimeField(help_text="Use as the next since."),
                    "truncated": serializers.BooleanField(),
                    "results": ChangeEntry,
                },
            ),
            400: docs.ERROR_RESPONSE,
        },
    )
    def get(self, request):
        for name, values in request.query_params.lists():
            if name not in ("since", "format"):
                raise bad_parameter(name, f"Unknown query parameter '{name}'.", ["since", "format"])
            if len(values) > 1:
                raise bad_parameter(name, f"'{name}' was given {len(values)} times; give it once.")
        raw = request.query_params.get("since")
        if not raw:
            raise bad_parameter("since", "since is required (ISO 8601 date or date-time).", ["since"])
        try:
            since = MomentField().clean(raw)[0]
        except Exception as exc:  # django ValidationError: the message is the answer
            message = " ".join(getattr(exc, "messages", [str(exc)]))
            raise bad_parameter("since", f"Invalid value for 'since': {message}", ["since"]) from None
        if since > timezone.now():
            raise bad_parameter("since", "since is in the future; use the `until` of the last answer.", ["since"])
        # History rows are stamped with their transaction's start time, and updated_at when
        # the row was saved: a write committing now may carry a slightly earlier time. Handing
        # back a slightly earlier `until` makes the next sync overlap instead of missing it.
        until = timezone.now() - SYNC_OVERLAP
        results, truncated = [], False

        with connections[read_alias(Attack)].cursor() as cursor:
            cursor.execute(_ATTACKS_SQL, {"since": since, "limit": MAX_ENTRIES + 1})
            rows = cursor.fetchall()
        truncated |= len(rows) > MAX_ENTRIES
        for attack_id, at, gone, status, reason in rows[:MAX_ENTRIES]:
            change = "deleted" if gone else ("retracted" if status == AttackStatus.RETRACTED else "unpublished")
            results.append(
                {
                    "type": "attack",
                    "id": attack_id,
                    "attack": attack_id,
                    "change": change,
                    "at": at,
                    "reason": reason or "",
                }
            )

        visible = AttackQuerySet.visible_q(request.user, through="attack__")
        claims = Claim.objects.filter(visible, withdrawn_at__gte=since, updated_at__gte=since)
        decisions = Decision.objects.filter(visible, is_current=False, updated_at__gte=since)
        claim_rows = list(
            claims.order_by("withdrawn_at", "id").values_list("id", "attack_id", "withdrawn_at")[: MAX_ENTRIES + 1]
        )
        truncated |= len(claim_rows) > MAX_ENTRIES
        for claim_id, attack_id, at in claim_rows[:MAX_ENTRIES]:
            results.append(
                {"type": "claim", "id": claim_id, "attack": attack_id, "change": "withdrawn", "at": at, "reason": ""}
            )
        decision_rows = list(
            decisions.order_by("updated_at", "id").values_list("id", "attack_id", "updated_at")[: MAX_ENTRIES + 1]
        )
        truncated |= len(decision_rows) > MAX_ENTRIES
        for decision_id, attack_id, at in decision_rows[:MAX_ENTRIES]:
            results.append(
                {
                    "type": "decision",
                    "id": decision_id,
                    "attack": attack_id,
                    "change": "replaced",
                    "at": at,
                    "reason": "",
                }
            )

        results.sort(key=lambda entry: (entry["at"], entry["type"], entry["id"]))
        if truncated:
            # Hand back only what is complete up to one moment, and continue from there.
            until = min(
                rows[MAX_ENTRIES - 1][1] if len(rows) > MAX_ENTRIES else until,
                claim_rows[MAX_ENTRIES - 1][2] if len(claim_rows) > MAX_ENTRIES else until,
                decision_rows[MAX_ENTRIES - 1][2] if len(decision_rows) > MAX_ENTRIES else until,
            )
            results = [entry for entry in results if entry["at"] <= until]
        for entry in results:
            entry["at"] = timezone.localtime(entry["at"]).isoformat()
        return Response(
            {
                "since": timezone.localtime(since).isoformat(),
                "until": timezone.localtime(until).isoformat(),
                "truncated": truncated,
                "results": results,
            }
        )


class TokenView(JSONErrorsMixin, ObtainAuthToken):
    """POST username and password, get the user's API token."""

    throttle_classes = [AnonThrottle]
    # ObtainAuthToken names DRF's parsers; ours refuses a body nested too deeply with a 400.
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        summary="Get an API token",
        description=docs.TOKEN_HELP,
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses={
            200: inline_serializer("Token", {"token": serializers.CharField()}),
            400: docs.ERROR_RESPONSE,
            429: docs.ERROR_RESPONSE,
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        # django-axes counts the failures (authenticate() reports them) but answers a lockout only
        # on Django's own views; a locked account or address gets the API's 429 here, the right
        # password included, so guessing through the API is no faster than through the login page.
        username = request.data.get("username") if hasattr(request.data, "get") else None
        credentials = {"username": username if isinstance(username, str) else None}
        if not _login_allowed(request, credentials):
            return _locked_out()
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if not _login_allowed(request, credentials):
                return _locked_out()
            raise


def _login_allowed(request, credentials: dict) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    http_request = request._request
    AxesProxyHandler.update_request(http_request)
    return AxesProxyHandler.is_allowed(http_request, credentials)


def _locked_out() -> Response:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return Response(
        {"detail": f"Too many failed log-ins for this account or address: try again in {minutes} minutes."},
        status=429,
        headers={"Retry-After": str(minutes * 60)},
    )
