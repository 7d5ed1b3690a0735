"""Claims and decisions API: reads for everyone who may read, writes per role (config.roles)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from casualties import services
from casualties.api.serializers import (
    ClaimCreateSerializer,
    ClaimSerializer,
    ClaimUpdateSerializer,
    DecisionCreateSerializer,
    DecisionSerializer,
    RestoreSerializer,
    WithdrawSerializer,
)
from casualties.choices import ClaimOrigin
from casualties.filtersets import ClaimFilterSet, DecisionFilterSet
from casualties.models import Claim, Decision, Proposal
from config.api import CountMixin, StrictFilterBackend
from config.paging import KeysetPagination
from strikes.querysets import AttackQuerySet

STALE_RESPONSE = OpenApiResponse(
    description="Another version was saved since `expected_version`: nothing written; `current` is the version now "
    "in force."
)


def _visible(queryset, request):
    """Readers see the figures of published attacks only; staff see drafts and retractions too."""
    return queryset.filter(AttackQuerySet.visible_q(request.user, through="attack__"))


def proposal_response(proposal: Proposal) -> Response:
    """202: an analyst's change to a published attack is waiting for an editor; nothing changed yet."""
    return Response(
        {
            "detail": "The attack is published: your change was saved as a proposal for an editor to apply or reject.",
            "proposal": {
                "id": proposal.pk,
                "attack": proposal.attack_id,
                "claim": proposal.claim_id,
                "kind": proposal.kind,
                "status": proposal.status,
                "changes": proposal.changes,
                "reason": proposal.reason,
            },
        },
        status=status.HTTP_202_ACCEPTED,
    )


def _stale_response(exc: services.StaleDecision, request) -> Response:
    current = (
        DecisionSerializer(exc.current, context={"request": request, "nested": True}).data if exc.current else None
    )
    return Response(
        {"detail": str(exc), "expected_version": exc.expected_version, "current": current},
        status=status.HTTP_409_CONFLICT,
    )


@extend_schema_view(
    list=extend_schema(summary="List claims", description="Every figure from every source, newest first."),
    retrieve=extend_schema(summary="One claim"),
    create=extend_schema(
        summary="Record a claim (analysts, editors)", request=ClaimCreateSerializer, responses={201: ClaimSerializer}
    ),
    partial_update=extend_schema(
        summary="Correct a claim (analysts, editors)", request=ClaimUpdateSerializer, responses={200: ClaimSerializer}
    ),
    update=extend_schema(
        summary="Correct a claim (analysts, editors)", request=ClaimUpdateSerializer, responses={200: ClaimSerializer}
    ),
)
class ClaimViewSet(
    CountMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Claims: one figure from one source about one attack. Never deleted: withdraw instead."""

    serializer_class = ClaimSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ClaimFilterSet
    pagination_class = KeysetPagination
    write_capability = "log"

    def get_queryset(self):
        return _visible(Claim.objects.select_related("article__outlet"), self.request).order_by("-id")

    def create(self, request, *args, **kwargs):
        data = ClaimCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        claim = services.claim_record(**data.validated_data, origin=ClaimOrigin.ENTERED, by=request.user)
        return Response(ClaimSerializer(claim, context=self.get_serializer_context()).data, status=201)

    def update(self, request, *args, **kwargs):
        claim = self.get_object()
        data = ClaimUpdateSerializer(data=request.data, partial=kwargs.pop("partial", False))
        data.is_valid(raise_exception=True)
        result = services.claim_edit(claim=claim, by=request.user, **data.validated_data)
        if isinstance(result, Proposal):
            return proposal_response(result)
        return Response(ClaimSerializer(claim, context=self.get_serializer_context()).data)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        summary="Withdraw a claim (analysts, editors)", request=WithdrawSerializer, responses=ClaimSerializer
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        claim = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = services.claim_withdraw_or_propose(claim=claim, by=request.user, reason=data.validated_data["reason"])
        if isinstance(result, Proposal):
            return proposal_response(result)
        return Response(ClaimSerializer(claim, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Accept a new source on a published attack (editors)",
        description="A pending claim starts to count. Refused (400) when it disagrees with the published figure: "
        "decide the figure instead (POST /decisions/).",
        request=None,
        responses=ClaimSerializer,
    )
    @action(detail=True, methods=["post"], write_capability="decide")
    def accept(self, request, pk=None):
        claim = self.get_object()
        services.claim_accept(claim=claim, by=request.user)
        return Response(ClaimSerializer(claim, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        summary="List decisions",
        description="Editors' decisions, every version; `current=true` for the versions in force.",
    ),
    retrieve=extend_schema(summary="One decision version"),
    create=extend_schema(
        summary="Decide a figure (editors)",
        description="Saves a new version. `expected_version` must be the current version (0 when none); "
        "otherwise 409 with the current version in `current`.",
        request=DecisionCreateSerializer,
        responses={201: DecisionSerializer, 409: STALE_RESPONSE},
    ),
)
class DecisionViewSet(
    CountMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Decisions: each save of an editor's figure for (attack, category) is a version."""

    serializer_class = DecisionSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = DecisionFilterSet
    pagination_class = KeysetPagination
    write_capability = "decide"

    def get_queryset(self):
        queryset = Decision.objects.select_related("decided_by").prefetch_related("claims").order_by("-id")
        return _visible(queryset, self.request)

    def create(self, request, *args, **kwargs):
        data = DecisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            decision = services.decision_make(**data.validated_data, by=request.user)
        except services.StaleDecision as exc:
            return _stale_response(exc, request)
        return Response(DecisionSerializer(decision, context=self.get_serializer_context()).data, status=201)

    @extend_schema(
        summary="Restore this version as a new version (editors)",
        request=RestoreSerializer,
        responses={201: DecisionSerializer, 409: STALE_RESPONSE},
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        decision = self.get_object()
        data = RestoreSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            restored = services.decision_restore(
                decision=decision, by=request.user, expected_version=data.validated_data["expected_version"]
            )
        except services.StaleDecision as exc:
            return _stale_response(exc, request)
        return Response(DecisionSerializer(restored, context=self.get_serializer_context()).data, status=201)
