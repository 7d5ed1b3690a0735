"""Sources API: articles (list, detail, submit a URL or a text), outlets, feeds (staff)."""

from django.db.models import Count
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from config.api import CountMixin, StrictFilterBackend
from config.paging import KeysetPagination
from config.roles import can_log
from sources.api.serializers import ArticleSerializer, ArticleSubmitSerializer, FeedSerializer, OutletSerializer
from sources.filtersets import ArticleFilterSet, FeedFilterSet, OutletFilterSet
from sources.models import Article, Feed, Outlet
from sources.services import article_submit_text, article_submit_url, feed_create, feed_update

ARTICLE_LIST_DOC = """Articles: fetched pages, pasted texts and feed items, with their ingest status.

Anyone may read the articles behind published attacks; analysts, editors and admins see
every article. ``text`` is the plain main text; the raw page is never returned.
"""

ARTICLE_CREATE_DOC = """Submit a URL to fetch (`{"url": ...}`) or a text
(`{"text": ..., "url"?, "outlet"?, "title"?, "published_at"?}`). Analysts and up.

201 with the new article (a URL is then fetched in the background: follow its `status`),
or 200 with the known article when the URL or the text was already known (a known text at
a new URL is stored as a `duplicate` pointing at the first). 400 for a malformed or
non-http(s) URL, an empty text, or unknown fields.
"""


@extend_schema_view(
    list=extend_schema(summary="List articles", description=ARTICLE_LIST_DOC),
    retrieve=extend_schema(summary="One article"),
    create=extend_schema(
        summary="Submit a URL or a text",
        description=ARTICLE_CREATE_DOC,
        request=ArticleSubmitSerializer,
        responses={
            201: ArticleSerializer,
            200: OpenApiResponse(ArticleSerializer, description="Already known: the existing article."),
            400: OpenApiResponse(description="Malformed input, with the field at fault."),
        },
    ),
)
class ArticleViewSet(
    CountMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ArticleSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = ArticleFilterSet
    pagination_class = KeysetPagination
    write_capability = "log"

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).with_related().defer("raw_body").order_by("-id")

    def create(self, request, *args, **kwargs):
        submit = ArticleSubmitSerializer(data=request.data)
        submit.is_valid(raise_exception=True)
        data = submit.validated_data
        if data.get("text", "").strip():
            article, created = article_submit_text(
                text=data["text"],
                by=request.user,
                url=data.get("url", ""),
                outlet_name=data.get("outlet", ""),
                title=data.get("title", ""),
                published_at=data.get("published_at"),
            )
        else:
            article, created = article_submit_url(url=data["url"], by=request.user)
        article = self.get_queryset().get(pk=article.pk)
        body = ArticleSerializer(article, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema_view(list=extend_schema(summary="List outlets"), retrieve=extend_schema(summary="One outlet"))
class OutletViewSet(CountMixin, viewsets.ReadOnlyModelViewSet):
    """Publishers, with their reliability grade and how many articles are stored from each."""

    serializer_class = OutletSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = OutletFilterSet
    pagination_class = KeysetPagination

    def get_queryset(self):
        return Outlet.objects.annotate(article_count=Count("articles")).order_by("-id")


class StaffOnly(BasePermission):
    """Feeds are the pipeline's configuration: analysts, editors and admins only, for reading too."""

    message = "Feeds are visible to analysts, editors and admins only."

    def has_permission(self, request, view) -> bool:
        return can_log(request.user)


@extend_schema_view(
    list=extend_schema(summary="List feeds (staff)"),
    retrieve=extend_schema(summary="One feed (staff)"),
    create=extend_schema(summary="Register a feed (staff); it is polled right away"),
    partial_update=extend_schema(summary="Change a feed's title, interval or active flag (staff)"),
)
class FeedViewSet(
    CountMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = FeedSerializer
    filter_backends = [StrictFilterBackend]
    filterset_class = FeedFilterSet
    pagination_class = KeysetPagination
    permission_classes = [StaffOnly]
    write_capability = "log"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Feed.objects.order_by("-id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = feed_create(
            url=data["url"],
            poll_interval_minutes=data.get("poll_interval_minutes", 15),
            title=data.get("title", ""),
            by=self.request.user,
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        if "url" in data and data["url"] != serializer.instance.url:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"url": "A feed's URL cannot change: register a new feed instead."})
        data.pop("url", None)
        serializer.instance = feed_update(feed=serializer.instance, by=self.request.user, **data)
