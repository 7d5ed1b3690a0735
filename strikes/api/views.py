"""Strikes API: attacks (JSON, GeoJSON, CSV), places, munitions, waves."""

from django.conf import settings
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

from config.api import (
    CountMixin,
    JSONErrorsMixin,
    KeysetPagination,
    StrictFilterBackend,
    bad_parameter,
    selected_fields,
)
from strikes.api import docs
from strikes.api.cache import cached
from strikes.api.exports import CSV_COLUMNS, csv_rows, feature, geojson_stream, representations_json
from strikes.api.figures import FIGURE_MODES, figures_for
from strikes.api.renderers import CSVRenderer, GeoJSONRenderer
from strikes.api.serializers import (
    FIELD_NEEDS,
    AttackSerializer,
    AttackWriteSerializer,
    MunitionSerializer,
    PlaceSerializer,
    RetractSerializer,
    WaveSerializer,
    attack_relations,
    attack_representation,
    attack_rows,
)
from strikes.filtersets import AttackFilterSet, MunitionFilterSet, PlaceFilterSet, WaveFilterSet
from strikes.models import Attack, Munition, Place, Wave, WaveMunition
from strikes.services import attack_create, attack_publish, attack_retract, attack_update


def figures_mode(request) -> str:
    mode = request.query_params.get("figures", "decided")
    if mode not in FIGURE_MODES:
        raise bad_parameter("figures", f"figures must be one of {', '.join(FIGURE_MODES)}.")
    return mode


# Query parameters of a detail request that shape the answer but filter nothing.
DETAIL_SHAPE_PARAMS = frozenset({"fields", "omit", "figures", "format"})


@extend_schema_view(
    list=extend_schema(
        summary="List attacks",
        description=docs.ATTACK_LIST,
        parameters=docs.ATTACK_FILTER_PARAMETERS + docs.LIST_PARAMETERS + docs.ATTACK_FORMAT_PARAMETERS,
        responses={
            (200, "application/json"): AttackSerializer(many=True),
            (200, "application/geo+json"): OpenApiResponse(docs.GEOJSON_SCHEMA, description="FeatureCollection"),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, columns as in docs/API.md"),
            400: docs.ERROR_RESPONSE,
        },
    ),
    retrieve=extend_schema(
        summary="One attack",
        parameters=docs.DETAIL_PARAMETERS,
        responses={200: AttackSerializer, 400: docs.ERROR_RESPONSE, 404: docs.ERROR_RESPONSE},
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
    serializer_class = AttackSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = AttackFilterSet
    pagination_class = KeysetPagination
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, GeoJSONRenderer, CSVRenderer]
    write_capability = "log"

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return AttackWriteSerializer
        if self.action == "retract":
            return RetractSerializer
        return AttackSerializer

    def filter_queryset(self, queryset):
        if self.action == "retrieve" and self._only_shaping_params():
            # One attack by id with no filter parameter: what the filterset would add is only
            # the visibility rule, so skip building it (django-filter deep-copies every filter
            # and validates a form per request: a third of a detail request's Python time).
            return attack_rows(queryset.visible_to(self.request.user))
        queryset = super().filter_queryset(queryset)
        if self.action in ("list", "retrieve"):
            # Reads get rows, not model instances (see strikes.api.serializers.AttackRow).
            queryset = attack_rows(queryset)
        return queryset

    def _only_shaping_params(self) -> bool:
        """True when every query parameter only shapes the answer (fields, omit, figures,
        format), each given once: nothing for the filterset to filter or refuse."""
        return all(
            name in DETAIL_SHAPE_PARAMS and len(values) == 1 and "\x00" not in values[0]
            for name, values in self.request.query_params.lists()
        )

    def _field_names(self) -> "list[str]":
        """The fields this request shows (``fields=``/``omit=``; a 400 naming an unknown one).
        From the declared names: building the serializer to read them deep-copied every field
        on every request (a third of a detail request's Python time)."""
        return selected_fields(AttackSerializer._declared_fields, self.request.query_params)

    def represent(self, attacks) -> list[dict]:
        """Representations of these attack rows; munitions, sources and figures fetched once
        for all of them (one query each, only those shown)."""
        mode = figures_mode(self.request)
        names = self._field_names()
        ids = [a["id"] for a in attacks]
        needs = {need for name, need in FIELD_NEEDS.items() if name in names}
        context = {"request": self.request, **attack_relations(ids, needs)}
        if "figures" in needs:
            context["figures"] = figures_for(ids, mode)
        return [attack_representation(a, context, names) for a in attacks]

    # --- reads ---

    def list(self, request, *args, **kwargs):
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
            body = cached(
                request,
                "attacks",
                lambda: self._list_body(request, *args, **kwargs),
                settings.API_RESPONSE_CACHE_SECONDS,
            )
            return HttpResponse(body, content_type=request.accepted_renderer.media_type)
        return super().list(request, *args, **kwargs)

    def _rendered(self, response) -> bytes:
        return self.request.accepted_renderer.render(
            response.data, self.request.accepted_media_type, self.get_renderer_context()
        )

    def paginate_queryset(self, queryset):
        self._page = super().paginate_queryset(queryset)
        return self._page

    def get_serializer(self, *args, **kwargs):
        if self.action == "list" and args:
            names = self._field_names()
            if self.request.accepted_renderer.format == "json" and {"munitions", "sources", "figures"} & set(names):
                # Rows with relations: PostgreSQL writes them in one statement. Without any
                # (fields=id,occurred_at,...), the page's own row is all Python needs.
                return _Represented(self._page_json(args[0], names))
            return _Represented(self.represent(args[0]))
        return super().get_serializer(*args, **kwargs)

    def _page_json(self, rows, names: "list[str]") -> "_JSONRows":
        """The page's rows as JSON text written by PostgreSQL (strikes.api.exports), in page order."""
        mode = figures_mode(self.request)  # checked on an empty page too: a bad value is a 400 either way
        ids = [r["id"] for r in rows]
        if not ids:
            return _JSONRows()
        bodies = representations_json(
            attack_rows(Attack.objects.filter(pk__in=ids)), mode=mode, names=names, url=self._detail_url()
        )
        return _JSONRows(bodies[pk] for pk in ids)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.request.accepted_renderer.format == "geojson":
            features = [feature(a, props) for a, props in zip(self._page, data, strict=True)]
            response.data = {
                "type": "FeatureCollection",
                "features": features,
                "next": response.data["next"],
                "previous": response.data["previous"],
            }
        return response

    def retrieve(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "json":
            body = cached(
                request,
                f"attack:{kwargs.get(self.lookup_field, '')}",
                lambda: self._detail_json(kwargs.get(self.lookup_field, "")),
                settings.API_RESPONSE_CACHE_SECONDS,
            )
            return HttpResponse(body, content_type=request.accepted_renderer.media_type)
        attack = self.get_object()
        return Response(self.represent([attack])[0])

    def _detail_json(self, pk: str) -> bytes:
        """The attack's JSON, written by PostgreSQL in one statement (strikes.api.exports); a
        404 as get_object gives one for an id that is not a number or not visible."""
        mode = figures_mode(self.request)
        names = self._field_names()
        try:
            queryset = self.filter_queryset(self.get_queryset()).filter(pk=int(pk))
        except (TypeError, ValueError, OverflowError):
            raise NotFound() from None
        bodies = representations_json(queryset, mode=mode, names=names, url=self._detail_url())
        if not bodies:
            raise NotFound()
        return next(iter(bodies.values()))

    def _detail_url(self) -> str:
        """The representation's "url" (strikes.api.serializers._url), ``__pk__`` for the id."""
        return self.request.build_absolute_uri(reverse("api-attack-detail", args=["__pk__"]))

    def _list_body(self, request, *args, **kwargs) -> bytes:
        """A JSON list page: the envelope around the rows PostgreSQL wrote (``get_serializer``
        gives them for this format), exactly as the JSON renderer would write the whole."""
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results") if isinstance(response.data, dict) else None
        if not isinstance(rows, _JSONRows):  # count=on
            return self._rendered(response)
        # next and previous as the renderer writes them, then the rows in place of "results".
        envelope = self._rendered(Response({k: v for k, v in response.data.items() if k != "results"}))
        return envelope[:-1] + b',"results":[' + b",".join(rows) + b"]}"

    def export_csv(self, request):
        mode = figures_mode(request)
        columns = list(CSV_COLUMNS)
        for param in ("fields", "omit"):
            raw = request.query_params.get(param)
            if raw is None:
                continue
            names = [n.strip() for n in raw.split(",") if n.strip()]
            unknown = [n for n in names if n not in CSV_COLUMNS]
            if unknown:
                raise bad_parameter(param, f"Unknown CSV column(s): {', '.join(unknown)}.", CSV_COLUMNS)
            columns = [c for c in columns if (c in names) == (param == "fields")]
        queryset = self.filter_queryset(Attack.objects.all())
        response = StreamingHttpResponse(
            csv_rows(queryset, mode=mode, columns=columns), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="strikewatch-attacks-{stamp}.csv"'
        return response

    def export_geojson(self, request):
        """The whole filtered set as a FeatureCollection, each Feature's properties the attack
        representation (fields=/omit=, figures=), written by PostgreSQL (strikes.api.exports)."""
        mode = figures_mode(request)  # validate before the stream starts
        names = self._field_names()  # a 400 before the stream, likewise
        queryset = self.filter_queryset(self.get_queryset())
        response = StreamingHttpResponse(
            geojson_stream(queryset, mode=mode, names=names, url=self._detail_url()),
            content_type="application/geo+json",
        )
        return response

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
        attack_update(attack=attack, by=request.user, **serializer.service_kwargs(serializer.validated_data))
        return Response(self._fresh(attack))

    def _fresh(self, attack) -> dict:
        fresh = attack_rows(Attack.objects.filter(pk=attack.pk)).get()
        return self.represent([fresh])[0]

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


class _JSONRows(list):
    """A page's rows as JSON text, each already rendered."""


class _Represented:
    """Stands in for a serializer whose data was already built."""

    def __init__(self, data):
        self.data = data


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
