"""Releases API: the list, one release, and its files (anyone who may read the API).

A file is served as stored, part by part, with its SHA-256 as a strong ETag: a client that
already holds it gets 304 Not Modified, and anyone can check the bytes against the release.
"""

from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import JSONErrorsMixin, StrictFilterBackend, bad_parameter
from config.paging import KeysetPagination
from releases.api.serializers import ReleaseDetailSerializer, ReleaseSerializer
from releases.models import Release, ReleaseFile, ReleaseFilePart
from strikes.api.docs import ERROR_RESPONSE

RELEASES_HELP = (
    "Numbered, immutable releases of the published data (`manage.py release`): each holds "
    "attacks.csv, attacks.geojson and waves.csv with their SHA-256, counts, a changelog since the "
    "previous release and a suggested citation. Newest first."
)


def _no_parameters(request) -> None:
    """A release and its files take no query parameters: any is a 400 naming it."""
    for name in request.query_params:
        if name != "format":
            raise bad_parameter(name, f"Unknown query parameter '{name}'; this resource takes none.", ["format"])


def _release(number: str) -> Release:
    if not number.isascii() or not number.isdigit() or len(number) > 9:
        raise NotFound("No such release.")
    release = Release.objects.prefetch_related("files").filter(number=int(number)).first()
    if release is None:
        raise NotFound("No such release.")
    return release


class ReleaseListView(JSONErrorsMixin, generics.ListAPIView):
    """Every release, newest first."""

    serializer_class = ReleaseSerializer
    pagination_class = KeysetPagination
    filter_backends = [StrictFilterBackend]
    common_query_params = {"cursor", "page_size", "format"}

    def get_queryset(self):
        return Release.objects.prefetch_related("files").order_by("-number", "-id")

    @extend_schema(
        summary="Releases",
        description=RELEASES_HELP,
        responses={200: ReleaseSerializer(many=True), 400: ERROR_RESPONSE},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReleaseDetailView(JSONErrorsMixin, APIView):
    """One release: its files (size, SHA-256, download link), counts, changelog and citation."""

    @extend_schema(
        operation_id="releases_detail",
        summary="One release",
        responses={200: ReleaseDetailSerializer, 400: ERROR_RESPONSE, 404: ERROR_RESPONSE},
    )
    def get(self, request, number: str):
        _no_parameters(request)
        return Response(ReleaseDetailSerializer(_release(number), context={"request": request}).data)


class _AnyAccept(BaseContentNegotiation):
    """A download is what it is whatever the client accepts (errors are JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReleaseFileView(JSONErrorsMixin, APIView):
    """One file of a release, byte for byte as frozen; ETag is its SHA-256."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = _AnyAccept

    @extend_schema(
        operation_id="releases_file",
        summary="Download a release file",
        description="The file as frozen. `ETag` is its SHA-256 (quoted); `If-None-Match` with it answers 304.",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="attacks.csv, waves.csv"),
            (200, "application/geo+json"): OpenApiResponse(OpenApiTypes.BINARY, description="attacks.geojson"),
            304: OpenApiResponse(description="The client's copy (If-None-Match) is this file."),
            400: ERROR_RESPONSE,
            404: ERROR_RESPONSE,
        },
    )
    def get(self, request, number: str, name: str):
        for parameter in request.query_params:
            raise bad_parameter(parameter, f"Unknown query parameter '{parameter}'; a download takes none.", [])
        release = _release(number)
        file = next((f for f in release.files.all() if f.name == name), None)
        if file is None:
            raise NotFound(f"Release {release.number} has no file {name!r}.")
        etag = f'"{file.sha256}"'
        matches = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
        if etag in matches or "*" in matches:
            response = Response(status=304)
        else:
            response = StreamingHttpResponse(_parts(file), content_type=file.content_type)
            response["Content-Length"] = str(file.size)
            response["Content-Disposition"] = f'attachment; filename="strikewatch-release-{release.number}-{file.name}"'
        response["ETag"] = etag
        # The bytes never change: a cache may keep them as long as it likes (a shared cache only
        # when anyone may read them).
        scope = "public" if settings.PUBLIC_API else "private"
        response["Cache-Control"] = f"{scope}, max-age=31536000, immutable"
        return response


def _parts(file: ReleaseFile):
    """The file's bytes, one stored part at a time (never the whole file in memory)."""
    ids = list(ReleaseFilePart.objects.filter(file=file).order_by("index").values_list("pk", flat=True))
    for pk in ids:
        yield bytes(ReleaseFilePart.objects.values_list("data", flat=True).get(pk=pk))
