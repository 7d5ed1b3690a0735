"""Shared REST API machinery used by every app's ``api/`` package.

- ``StrictFilterBackend``: unknown query parameters and malformed values are a
  400 naming the parameter and listing the valid ones, never silently ignored.
- ``CursorPagination``: stable under inserts, no depth limit, up to 1,000 a page.
- ``FieldsMixin``: ``fields=`` and ``omit=`` on serializers.
- ``CountMixin``: ``count=on`` returns only ``{"count": N}``.
- ``exception_handler``: every error is JSON with a message.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# Parameters every list endpoint understands, besides its filterset's.
COMMON_PARAMS = frozenset({"cursor", "page_size", "ordering", "fields", "omit", "count", "format", "figures"})


def bad_parameter(name: str, message: str, valid=None) -> ValidationError:
    """A 400 whose body names the parameter (and the valid ones, when known)."""
    body = {"parameter": name, "detail": message}
    if valid is not None:
        body["valid_parameters"] = sorted(valid)
    return ValidationError(body)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter backend that refuses unknown parameters and bad values."""

    def allowed_params(self, request, queryset, view) -> set[str]:
        allowed = set(COMMON_PARAMS) | set(getattr(view, "extra_query_params", ()))
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        return allowed

    def filter_queryset(self, request, queryset, view):
        allowed = self.allowed_params(request, queryset, view)
        for name in request.query_params:
            if name not in allowed:
                raise bad_parameter(name, f"Unknown query parameter '{name}'.", allowed)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            name, errors = next(iter(filterset.errors.items()))
            raise bad_parameter(name, f"Invalid value for '{name}': {' '.join(errors)}", allowed)
        return filterset.qs


class CursorPagination(pagination.CursorPagination):
    """Cursor paging: stable while rows are inserted, no page-depth limit."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = "-id"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise bad_parameter("page_size", "page_size must be a whole number from 1 to 1000.") from None
        if not 1 <= size <= self.max_page_size:
            raise bad_parameter("page_size", "page_size must be a whole number from 1 to 1000.")
        return size


class FieldsMixin:
    """Serializer mixin: ``?fields=a,b`` keeps only those, ``?omit=c`` drops some."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or self.context.get("nested"):
            return
        for param in ("fields", "omit"):
            raw = request.query_params.get(param)
            if raw is None:
                continue
            names = {n.strip() for n in raw.split(",") if n.strip()}
            unknown = names - set(self.fields)
            if unknown:
                raise bad_parameter(param, f"Unknown field(s) in '{param}': {', '.join(sorted(unknown))}.", self.fields)
            keep = names if param == "fields" else set(self.fields) - names
            for name in list(self.fields):
                if name not in keep:
                    self.fields.pop(name)


class CountMixin:
    """ViewSet mixin: ``?count=on`` answers only the number of matching rows."""

    def list(self, request, *args, **kwargs):
        count = request.query_params.get("count")
        if count is not None:
            if count not in ("on", "true", "1"):
                raise bad_parameter("count", "count takes the value 'on'.")
            return Response({"count": self.filter_queryset(self.get_queryset()).count()})
        return super().list(request, *args, **kwargs)


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationErrors from services as 400s."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)
