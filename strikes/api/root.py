"""The API root, ``/api/v1/``: what a newcomer (or a client) asks first, "what is there?"."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import JSONErrorsMixin

# Resource name -> route name, in the order the docs present them: the data, its aggregates,
# its sources and figures, then releases and the token endpoint. Routes of every app are named
# here by their URL names only (no app's views are imported).
RESOURCES = {
    "attacks": "api-attack-list",
    "timeline": "api-timeline",
    "map": "api-map",
    "facets": "api-facets",
    "weapons": "api-weapons",
    "waves": "api-wave-list",
    "places": "api-place-list",
    "munitions": "api-munition-list",
    "articles": "api-article-list",
    "outlets": "api-outlet-list",
    "feeds": "api-feed-list",
    "claims": "api-claim-list",
    "decisions": "api-decision-list",
    "changes": "api-changes",
    "releases": "api-release-list",
    "token": "api-token",
}

ApiRootResponse = inline_serializer(
    "ApiRoot",
    {
        "name": serializers.CharField(),
        "version": serializers.CharField(),
        "resources": serializers.DictField(
            child=serializers.URLField(), help_text="Each resource's name and its absolute URL."
        ),
        "schema": serializers.URLField(help_text="The OpenAPI 3 schema of this API."),
        "docs": serializers.URLField(help_text="Interactive documentation (Swagger UI)."),
    },
)


class ApiRootView(JSONErrorsMixin, APIView):
    """Every resource of the API with its absolute URL, and where the schema and docs are."""

    # The root reveals nothing but route names: open to everyone, as the docs page is.
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="api_root",  # not "_retrieve": the schema hook would add a detail's fields=/omit=
        summary="API root",
        description="The resources of the API (name and absolute URL), the OpenAPI schema and the docs page.",
        responses={200: ApiRootResponse},
    )
    def get(self, request):
        resources = {name: request.build_absolute_uri(reverse(route)) for name, route in RESOURCES.items()}
        return Response(
            {
                "name": "Strikewatch API",
                "version": "v1",
                "resources": resources,
                "schema": request.build_absolute_uri(reverse("schema")),
                "docs": request.build_absolute_uri(reverse("api-docs")),
            }
        )
