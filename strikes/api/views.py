"""Strikes API: attacks (JSON, GeoJSON, CSV), places, munitions, waves.

Every read of an attack is the representation declared in ``strikes.api.representation``:
the JSON list and detail as PostgreSQL writes it, the exports streamed by
``strikes.api.formats``.
"""

import json
from functools import partial

from django.conf import settings
from django.db import router
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response

from casualties.api.views import proposal_response
from casualties.models import Proposal
from casualties.services import attack_edit
from config.api import (
    CountMixin,
    JSONErrorsMixin,
    StrictFilterBackend,
    bad_parameter,
    selected_fields,
)
from config.paging import KeysetPagination
from strikes.api import asof, docs, export_lines, lean, plans
from strikes.api.cache import cached
from strikes.api.formats import (
    csv_copy_sql,
    csv_rows,
    csv_stream,
    feature,
    geojson_copy_sql,
    geojson_stream,
    started,
)
from strikes.api.renderers import CSVRenderer, GeoJSONRenderer
from strikes.api.representation import (
    CSV_COLUMNS,
    FIELD_NAMES,
    FIGURE_MODES,
    AttackSerializer,
    Shape,
    attack_rows,
    representations_json,
)
from strikes.api.serializers import (
    AttackWriteSerializer,
    MunitionSerializer,
    PlaceSerializer,
    RetractSerializer,
    WaveSerializer,
)
from strikes.filtersets import AttackFilterSet, MunitionFilterSet, PlaceFilterSet, WaveFilterSet
from strikes.models import Attack, Munition, Place, Wave, WaveMunition
from strikes.services import attack_create, attack_publish, attack_retract

# Query parameters of a detail request that shape the answer but filter nothing.
DETAIL_SHAPE_PARAMS = frozenset({"fields", "omit", "figures", "format", asof.AS_OF})


@extend_schema_view(
    list=extend_schema(
        summary="List attacks",
        description=docs.ATTACK_LIST,
        parameters=[
            *docs.ATTACK_FILTER_PARAMETERS,
            *docs.LIST_PARAMETERS,
            *docs.ATTACK_FORMAT_PARAMETERS,
            asof.AS_OF_PARAMETER,
        ],
        responses={
            (200, "application/json"): AttackSerializer(many=True),
            (200, "application/geo+json"): OpenApiResponse(docs.GEOJSON_SCHEMA, description="FeatureCollection"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, columns as in docs/API.md"),
            400: docs.ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary="One attack",
        parameters=[*docs.DETAIL_PARAMETERS, asof.AS_OF_PARAMETER],
        responses={
            200: AttackSerializer,
            400: docs.ERROR_RESPONSE,
            404: docs.ERROR_RESPONSE,
            410: OpenApiResponse(
                description="Retracted: a tombstone with `id`, `status`, `retracted_at` and `reason`, nothing else.",
                response={
                    "type": "object",
                    "required": ["detail", "id", "status", "retracted_at", "reason"],
                    "properties": {
                        "detail": {"type": "string"},
                        "id": {"type": "integer"},
                        "status": {"type": "string", "enum": ["retracted"]},
                        "retracted_at": {"type": "string", "format": "date-time"},
                        "reason": {"type": "string"},
                    },
                },
            ),
        },
    ),
    create=extend_schema(
        summary="Log an attack (analysts, editors)",
        request=AttackWriteSerializer,
        responses={201: AttackSerializer, 400: docs.ERROR_RESPONSE, 403: docs.ERROR_RESPONSE},
    ),
    partial_update=extend_schema(
        summary="Edit an attack (analysts, editors)",
        request=AttackWriteSerializer,
        responses={200: AttackSerializer, 400: docs.ERROR_RESPONSE, 403: docs.ERROR_RESPONSE},
    ),
    update=extend_schema(
        summary="Replace an attack's facts (analysts, editors)",
        request=AttackWriteSerializer,
        responses={200: AttackSerializer, 400: docs.ERROR_RESPONSE, 403: docs.ERROR_RESPONSE},
    ),
)
class AttackViewSet(
    JSONErrorsMixin,
    CountMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Attacks with their place, munitions, published figures and sources."""

    # Any id segment reaches the view, so "0.5" is a JSON 404 rather than Django's HTML one.
    lookup_value_regex = "[^/]+"

    queryset = Attack.objects.all()
    filter_backends = [StrictFilterBackend]
    filterset_class = AttackFilterSet
    pagination_class = KeysetPagination
    extra_query_params = ("figures", asof.AS_OF)
    write_capability = "log"

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return AttackWriteSerializer
        if self.action == "retract":
            return RetractSerializer
        return AttackSerializer

    def get_renderers(self):
        # Only the list has the GeoJSON and CSV formats; elsewhere format=csv is a 400.
        if self.action == "list":
            return [JSONRenderer(), BrowsableAPIRenderer(), GeoJSONRenderer(), CSVRenderer()]
        return [JSONRenderer(), BrowsableAPIRenderer()]

    def filter_queryset(self, queryset):
        if self.action == "retrieve":
            self._check_detail_params()
            return queryset.visible_to(self.request.user)
        return super().filter_queryset(queryset)

    def _check_detail_params(self) -> None:
        """One attack by id: a filter would only turn it into a 404, so the detail takes none
        (a 400 naming it); what is left to apply is the visibility rule."""
        for name, values in self.request.query_params.lists():
            if name not in DETAIL_SHAPE_PARAMS:
                raise bad_parameter(
                    name, f"The detail takes only {', '.join(sorted(DETAIL_SHAPE_PARAMS))}.", DETAIL_SHAPE_PARAMS
                )
            if len(values) > 1 or "\x00" in values[0] or not values[0].strip():
                raise bad_parameter(name, f"Give '{name}' once, with a value.", DETAIL_SHAPE_PARAMS)

    def shape(self) -> Shape:
        """What this request asks the representation for; a 400 naming a bad figures=, fields= or omit=."""
        names = selected_fields(FIELD_NAMES, self.request.query_params)
        return Shape(self.figures_mode(), tuple(names), self._url(), timezone.get_current_timezone())

    def figures_mode(self) -> str:
        mode = self.request.query_params.get("figures", "decided")
        if mode not in FIGURE_MODES:
            raise bad_parameter("figures", f"figures must be one of {', '.join(FIGURE_MODES)}.")
        return mode

    def _url(self) -> tuple[str, str]:
        """The detail URL in this request's scheme and host, split where the id goes."""
        head, tail = self.request.build_absolute_uri(reverse("api-attack-detail", args=["__pk__"])).split("__pk__")
        return head, tail

    def representations(self, rows, shape: Shape) -> list[bytes]:
        """The JSON text of each row, in order: PostgreSQL writes it when a field shown is not
        on the row (one statement); otherwise the row alone is enough."""
        if not rows:
            return []
        if not shape.needs_sql():
            return [JSONRenderer().render(shape.from_row(row)) for row in rows]
        bodies = representations_json(attack_rows(Attack.objects.filter(pk__in=[r["id"] for r in rows])), shape)
        return [bodies[row["id"]] for row in rows]

    # --- reads ---

    def list(self, request, *args, **kwargs):
        return asof.answer(request, lambda: self._list(request, *args, **kwargs))

    def _list(self, request, *args, **kwargs):
        fmt = request.accepted_renderer.format
        paging = {"cursor", "page_size"} & set(request.query_params)
        if fmt in ("csv", "geojson") and "count" in request.query_params:
            raise bad_parameter("count", "count=on answers in JSON; leave out format.")
        if fmt == "csv":
            if paging:
                raise bad_parameter(sorted(paging)[0], "CSV is the whole filtered set; it takes no paging.")
            return self.export_csv(request)
        if fmt == "geojson" and not paging:
            return self.export_geojson(request)
        if fmt == "json":
            # Pages and counts, rendered, under the data version: a popular query costs one
            # query until the data changes (strikes.api.cache says why that stays correct).
            # A 404 or 400 is raised inside, so only answers are cached.
            body = cached(request, "attacks", self._json_page, settings.API_RESPONSE_CACHE_SECONDS)
            return HttpResponse(body, content_type=request.accepted_renderer.media_type)
        if "count" in request.query_params:
            return super().list(request, *args, **kwargs)
        page, rows = self._page()
        data = [json.loads(body) for body in rows]
        if fmt == "geojson":
            features = [feature(row, props) for row, props in zip(page, data, strict=True)]
            return Response({"type": "FeatureCollection", "features": features, **self._links()})
        return Response({**self._links(), "results": data})

    def _page(self):
        """(the page's rows, their representations' JSON text)."""
        shape = self.shape()  # checked on an empty page too: a bad value is a 400 either way
        # The filters' values checked first (every 400), the queryset built only where needed.
        filterset = StrictFilterBackend().get_valid_filterset(self.request, self.get_queryset(), self)
        if self.request.accepted_renderer.format == "json" and lean.serves(shape):
            # The default shape: each row's JSON as stored, in the page's own statement
            # (strikes.api.lean), planned once per request shape (strikes.api.plans).
            planned = plans.page_rows(self, filterset, shape)
            if planned is not None:
                page = self.paginator.finish(*planned)
            else:
                page = self.paginate_queryset(lean.rows(filterset.qs, shape.url))
            if all(row[lean.BODY] is not None for row in page):
                return page, [lean.text(row[lean.BODY]) for row in page]
        page = self.paginate_queryset(attack_rows(filterset.qs))
        return page, self.representations(page, shape)

    def _links(self) -> dict:
        return {"next": self.paginator.get_next_link(), "previous": self.paginator.get_previous_link()}

    def _json_page(self) -> bytes:
        """A JSON list page (or count), exactly as the JSON renderer would write the whole."""
        renderer = JSONRenderer()
        if "count" in self.request.query_params:
            return renderer.render(super().list(self.request).data)
        _, rows = self._page()
        return renderer.render(self._links())[:-1] + b',"results":[' + b",".join(rows) + b"]}"

    def retrieve(self, request, *args, **kwargs):
        pk = str(kwargs.get(self.lookup_field, ""))
        one = int(pk) if pk.isascii() and pk.isdigit() and len(pk) <= 18 else 0  # 0: no attack
        return asof.answer(request, lambda: self._retrieve(request, *args, **kwargs), attack_id=one)

    def _retrieve(self, request, *args, **kwargs):
        pk = kwargs.get(self.lookup_field, "")
        try:
            if request.accepted_renderer.format == "json":
                body = cached(request, f"attack:{pk}", lambda: self._detail(pk), settings.API_RESPONSE_CACHE_SECONDS)
                return HttpResponse(body, content_type=request.accepted_renderer.media_type)
            return Response(json.loads(self._detail(pk)))
        except NotFound:
            # Only an attack this user may not see costs the second look: a retraction is a 410.
            gone = self._tombstone(request, pk)
            if gone is not None:
                return gone
            raise

    def _tombstone(self, request, pk: str) -> Response | None:
        """410 Gone with the retraction's date and reason, for the public asking for a retracted
        attack: its id stays taken, and nothing else of it is shown."""
        if Attack.objects.shows_unpublished_to(request.user) or not str(pk).isdigit() or len(str(pk)) > 18:
            return None
        tombstone = Attack.objects.tombstone(int(pk))
        if tombstone is None:
            return None
        body = {"detail": "This attack was retracted.", **tombstone}
        return Response(body, status=status.HTTP_410_GONE)

    def _detail(self, pk: str) -> bytes:
        """The attack's JSON, written by PostgreSQL in one statement; a 404 for an id that is
        not a number or not visible."""
        shape = self.shape()
        self._check_detail_params()

        def detail_queryset(one: int):
            return self.filter_queryset(self.get_queryset()).filter(pk=one)

        try:
            one = int(pk)
            queryset = None if lean.serves(shape) and abs(one) < 2**63 else detail_queryset(one)
        except (TypeError, ValueError, OverflowError):
            raise NotFound() from None
        if queryset is None:
            # The default shape: the attack's JSON as stored, in one statement (strikes.api.lean),
            # its SQL compiled once per visibility (get_queryset and visible_to depend on it alone).
            key = ("detail", Attack.objects.shows_unpublished_to(self.request.user))
            found, body = lean.detail_by_id(key, detail_queryset, one, router.db_for_read(Attack), shape.url)
            if not found:
                raise NotFound()
            if body is not None:
                return body
            queryset = detail_queryset(one)
        bodies = representations_json(attack_rows(queryset), shape)
        if not bodies:
            raise NotFound()
        return next(iter(bodies.values()))

    def export_csv(self, request):
        mode = self.figures_mode()
        columns = list(CSV_COLUMNS)
        for param in ("fields", "omit"):
            raw = request.query_params.get(param)
            if raw is None:
                continue
            names = [n.strip() for n in raw.split(",") if n.strip()]
            unknown = [n for n in names if n not in CSV_COLUMNS]
            if unknown:
                raise bad_parameter(param, f"Unknown CSV column(s): {', '.join(unknown)}.", CSV_COLUMNS)
            # fields= keeps the order asked (a researcher's own layout); omit= the export's.
            columns = list(dict.fromkeys(names)) if param == "fields" else [c for c in columns if c not in names]
        queryset = self.filter_queryset(Attack.objects.all())
        if "fields" not in request.query_params and "omit" not in request.query_params and mode == export_lines.MODE:
            # The default columns: each attack's line as stored, when usable (strikes.api.export_lines).
            live = partial(csv_copy_sql, queryset, mode=mode, columns=columns)
            rows = csv_stream(columns, export_lines.stream(queryset, export_lines.csv_sql(queryset), live))
        else:
            rows = csv_rows(queryset, mode=mode, columns=columns)
        response = StreamingHttpResponse(started(rows), content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="strikewatch-attacks-{stamp}.csv"'
        return response

    def export_geojson(self, request):
        """The whole filtered set as a FeatureCollection, written by PostgreSQL."""
        shape = self.shape()  # a 400 before the stream starts
        queryset = self.filter_queryset(self.get_queryset())
        if shape.mode == export_lines.MODE and shape.names == FIELD_NAMES:
            # Every field: each attack's Feature as stored, when usable (strikes.api.export_lines).
            stored, live = export_lines.features_sql(queryset, shape.url), partial(geojson_copy_sql, queryset, shape)
            features = export_lines.stream(queryset, stored, live, export_lines.feature_collection_of)
        elif export_lines.subset_served(shape):
            # Some fields (fields=/omit=): each Feature cut from the stored one by its marks.
            stored = export_lines.features_sql(queryset, shape.url, names=shape.names)
            live = partial(geojson_copy_sql, queryset, shape)
            features = export_lines.stream(queryset, stored, live, export_lines.feature_collection_of)
        else:
            features = geojson_stream(queryset, shape)
        return StreamingHttpResponse(started(features), content_type="application/geo+json")

    # --- writes ---

    def create(self, request, *args, **kwargs):
        serializer = AttackWriteSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        attack = attack_create(by=request.user, **serializer.service_kwargs(serializer.validated_data))
        return Response(self._fresh(attack), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        attack = self.get_object()
        serializer = AttackWriteSerializer(attack, data=request.data, partial=partial, context={"request": request})
        serializer.is_valid(raise_exception=True)
        # An analyst's edit of a published attack becomes a proposal for an editor (202).
        result = attack_edit(attack=attack, by=request.user, **serializer.service_kwargs(serializer.validated_data))
        if isinstance(result, Proposal):
            return proposal_response(result)
        return Response(self._fresh(attack))

    def _fresh(self, attack) -> dict:
        # The whole representation whatever the query string says: the write is done.
        shape = Shape("decided", FIELD_NAMES, self._url(), timezone.get_current_timezone())
        return json.loads(representations_json(attack_rows(Attack.objects.filter(pk=attack.pk)), shape)[attack.pk])

    @extend_schema(
        summary="Publish an attack (editors)",
        request=None,
        responses={200: AttackSerializer, 400: docs.ERROR_RESPONSE, 403: docs.ERROR_RESPONSE},
    )
    @action(detail=True, methods=["post"], write_capability="decide")
    def publish(self, request, pk=None):
        attack = self.get_object()
        attack_publish(attack=attack, by=request.user)
        return Response(self._fresh(attack))

    @extend_schema(
        summary="Retract an attack, with a reason (editors)",
        request=RetractSerializer,
        responses={200: AttackSerializer, 400: docs.ERROR_RESPONSE, 403: docs.ERROR_RESPONSE},
        examples=[OpenApiExample("Retraction", value={"reason": "Duplicate of UKR-SW1532."}, request_only=True)],
    )
    @action(detail=True, methods=["post"], write_capability="decide")
    def retract(self, request, pk=None):
        attack = self.get_object()
        serializer = RetractSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attack_retract(attack=attack, by=request.user, reason=serializer.validated_data["reason"])
        return Response(self._fresh(attack))


# --- Reference data ---


class ReferenceViewSet(JSONErrorsMixin, CountMixin, viewsets.ReadOnlyModelViewSet):
    """What the read-only reference lists share: strict filters, keyset paging, count=on."""

    # Any id segment reaches the view, so "0.5" is a JSON 404 rather than Django's HTML one.
    lookup_value_regex = "[^/]+"
    filter_backends = [StrictFilterBackend]
    pagination_class = KeysetPagination
    common_query_params = {"cursor", "page_size", "fields", "omit", "count", "format"}


@extend_schema_view(
    list=extend_schema(summary="Gazetteer", parameters=docs.LIST_PARAMETERS + docs.COUNT_PARAMETER),
    retrieve=extend_schema(summary="One place", parameters=docs.FIELD_PARAMETERS),
)
class PlaceViewSet(ReferenceViewSet):
    """Places: the country, oblasts, raions, cities and city districts."""

    queryset = Place.objects.all()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilterSet


@extend_schema_view(
    list=extend_schema(summary="Munition catalogue", parameters=docs.LIST_PARAMETERS + docs.COUNT_PARAMETER),
    retrieve=extend_schema(summary="One munition", parameters=docs.FIELD_PARAMETERS),
)
class MunitionViewSet(ReferenceViewSet):
    """Weapon models and classes."""

    queryset = Munition.objects.all()
    serializer_class = MunitionSerializer
    filterset_class = MunitionFilterSet


@extend_schema_view(
    list=extend_schema(summary="Nightly waves", parameters=docs.LIST_PARAMETERS + docs.COUNT_PARAMETER),
    retrieve=extend_schema(summary="One wave", parameters=docs.FIELD_PARAMETERS),
)
class WaveViewSet(ReferenceViewSet):
    """Nationwide waves with launched and intercepted counts per munition."""

    queryset = Wave.objects.prefetch_related(
        Prefetch("counts", queryset=WaveMunition.objects.order_by("label").prefetch_related("munitions"))
    )
    serializer_class = WaveSerializer
    filterset_class = WaveFilterSet

    def get_queryset(self):
        # A draft wave (proposed by the pipeline from one article) is for staff until reviewed.
        from config.roles import can_see_unpublished

        queryset = super().get_queryset()
        return queryset if can_see_unpublished(self.request.user) else queryset.filter(is_draft=False)
