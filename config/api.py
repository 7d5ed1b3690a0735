"""Shared REST API machinery used by every app's ``api/`` package.

- ``StrictFilterBackend``: unknown query parameters and malformed values are a
  400 naming the parameter and listing the valid ones, never silently ignored.
- ``FilterSet``: django-filter's, its filters copied shallowly and its form class built once.
- ``FieldsMixin``: ``fields=`` and ``omit=`` on serializers.
- ``CountMixin``: ``count=on`` returns only ``{"count": N}``.
- ``KeysetPagination`` is ``config.paging``'s (every list's cursor paging).
- ``AnonThrottle`` / ``UserThrottle`` (``config.throttles``): rates read at request time, a
  counter per client and window (O(1) state).
- ``StrictContentNegotiation``: an unknown ``format=`` is a 400, not a 404.
- ``exception_handler``: every error is JSON with a message.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.forms.utils import ErrorDict
from django.http import QueryDict
from django_filters import rest_framework as filters
from django_filters.filters import FilterMethod
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import parsers, throttling
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.metadata import SimpleMetadata
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from config.filters import PendingIds, check_pending
from config.throttles import AnonThrottle, UserThrottle  # noqa: F401 -- views import them from here

# Parameters every list endpoint understands, besides its filterset's.
# (``ordering`` is a filter of the filtersets that sort; a view adds its own in ``extra_query_params``.)
COMMON_PARAMS = frozenset({"cursor", "page_size", "fields", "omit", "count", "format"})
PAGING_PARAMS = frozenset({"cursor", "page_size"})


def bad_parameter(name: str, message: str, valid=None) -> ValidationError:
    """A 400 whose body names the parameter (and the valid ones, when known)."""
    body = {"parameter": name, "detail": message}
    if valid is not None:
        body["valid_parameters"] = sorted(valid)
    return ValidationError(body)


class FilterSet(filters.FilterSet):
    """django-filter's FilterSet, its filters copied shallowly and its form class built once
    per filterset class.

    For every request django-filter deep-copies every declared filter (~700 ``deepcopy``
    calls for the attack filters), then builds a new form class, a form field constructed for
    each filter; on the attack list these were the largest part of the request's Python
    (docs/PERFORMANCE.md §18). A filter's state is its declaration, read and never written
    while a request filters, except the two attributes set here per filterset (``model``,
    ``parent``): so each filterset gets a shallow copy of each filter, with its own
    ``FilterMethod`` (which must name this copy, to find this filterset's method). The form's
    fields depend only on the declared filters, which no filterset here changes per instance,
    so the form class is built at the first request and kept; each form still gets its own
    copies of the fields (Django's ``Form.__init__``)."""

    def __init__(self, *args, **kwargs):
        # Nothing for django-filter's __init__ to deep-copy: an empty dict shadows the class's.
        self.base_filters = {}
        super().__init__(*args, **kwargs)
        del self.base_filters
        self._own_filters()

    def _own_filters(self) -> None:
        model = self.queryset.model
        self.filters = {}
        for name, declared in self.base_filters.items():
            own = copy.copy(declared)
            if declared.method is not None:
                own.filter = FilterMethod(own)
            own.model, own.parent = model, self
            self.filters[name] = own

    def with_cleaned_data(self, data: dict):
        """This filterset with ``data`` as its form's cleaned values: its ``filter_queryset``
        builds the same filters with other values (``strikes.api.plans`` compares the two)."""
        other = copy.copy(self)
        other._own_filters()  # its methods run on it (a method may keep state, as full text's)
        other._form = copy.copy(self.form)
        other._form.cleaned_data = data
        return other

    def plan_shape(self, name: str, value):
        """What of the filter ``name``'s cleaned ``value`` changes its SQL's text beyond the
        kinds of its values (``strikes.api.plans``): None when nothing does."""
        return None

    def plan_values(self, name: str, value) -> tuple:
        """Values the filter ``name`` computes from its cleaned ``value`` and passes to SQL
        (``strikes.api.plans`` binds them; a computed value not named here leaves the request
        unplanned)."""
        return ()

    def get_form_class(self):
        cls = type(self)
        form_class = cls.__dict__.get("_built_form_class")  # this class's own, not a parent's
        if form_class is None:
            fields = {name: declared.field for name, declared in self.filters.items()}
            form_class = type(f"{cls.__name__}Form", (_FilterForm, self._meta.form), fields)
            cls._built_form_class = form_class
        return form_class


class _FilterForm:
    """A filterset's form (mixed into its ``Meta.form``): its fields copied shallowly.

    Django deep-copies every field for every form (widgets, choices, validators): after the
    filters' own copies, the largest cost left in the attack list's filtering. A filter form
    is cleaned, never rendered or changed per request (the pages draw their own forms,
    ``strikes.forms``), and cleaning reads its fields without writing them, so each form gets
    a shallow copy of each field."""

    def __init__(self, *args, **kwargs):
        # Nothing for Django's __init__ to deep-copy: an empty dict shadows the class's fields.
        self.base_fields = {}
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = {name: copy.copy(field) for name, field in self.base_fields.items()}

    def _clean_fields(self):
        """Django's, but only for the fields the query string gives (or whose widget cannot
        tell, as a checkbox's): a request names two or three of the attack list's 19 filters,
        and cleaning the others, each to an empty value that filters nothing (django-filter
        skips empty values; ``test_absent_filters_clean_to_nothing`` holds every filterset
        here to that), was a tenth of the list's Python. An absent filter is left out of
        ``cleaned_data``; every reader asks it with ``get()`` or skips empty values. A
        required field, or one with a ``clean_<name>`` hook, is cleaned as Django would."""
        for name, field in self.fields.items():
            if (
                not field.required
                and field.widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name))
                and not hasattr(self, f"clean_{name}")
            ):
                continue
            bf = self[name]
            try:
                self.cleaned_data[name] = field._clean_bound_field(bf)
                if hasattr(self, f"clean_{name}"):
                    self.cleaned_data[name] = getattr(self, f"clean_{name}")()
            except DjangoValidationError as exc:
                self.add_error(name, exc)
        self._check_pending()

    def _check_pending(self) -> None:
        """Ids that fields left to be found (``config.filters.PendingIds``) found in one
        statement; a field's error keeps its place among the others (the 400 names the first)."""
        pending = {n: v for n, v in self.cleaned_data.items() if isinstance(v, PendingIds)}
        if not pending:
            return
        for name, result in check_pending(pending).items():
            if isinstance(result, DjangoValidationError):
                del self.cleaned_data[name]
                self.add_error(name, result)
            else:
                self.cleaned_data[name] = result
        order = {name: i for i, name in enumerate(self.fields)}
        self._errors = ErrorDict(sorted(self._errors.items(), key=lambda item: order.get(item[0], len(order))))


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter backend that refuses unknown parameters and bad values."""

    def allowed_params(self, request, queryset, view) -> set[str]:
        """The filterset's filters, plus the view's ``common_query_params`` (default
        ``COMMON_PARAMS``) and ``extra_query_params``."""
        allowed = set(getattr(view, "common_query_params", COMMON_PARAMS)) | set(
            getattr(view, "extra_query_params", ())
        )
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        return allowed

    def get_valid_filterset(self, request, queryset, view):
        """The view's filterset for this request; a 400 for any unknown, repeated or malformed parameter."""
        allowed = self.allowed_params(request, queryset, view)
        for name, values in request.query_params.lists():
            if name not in allowed:
                raise bad_parameter(name, f"Unknown query parameter '{name}'.", allowed)
            if len(values) > 1:
                raise bad_parameter(name, f"'{name}' was given {len(values)} times; give it once.", allowed)
            if "\x00" in values[0]:
                raise bad_parameter(name, f"'{name}' contains a null character.", allowed)
            if not values[0].strip():
                # An empty value is a client's mistake (a form field left blank, a variable
                # unset): refused rather than read as "no filter", which answers everything.
                raise bad_parameter(name, f"'{name}' is empty; give a value or leave it out.", allowed)
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None and not filterset.is_valid():
            name, errors = next(iter(filterset.errors.items()))
            raise bad_parameter(name, f"Invalid value for '{name}': {' '.join(errors)}", allowed)
        return filterset

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_valid_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        return filterset.qs


def selected_fields(names, query_params) -> list[str]:
    """``names`` narrowed by ``?fields=a,b`` (keep only those) and ``?omit=c`` (drop those), in
    their own order; a 400 naming any unknown field."""
    selected = list(names)
    for param in ("fields", "omit"):
        raw = query_params.get(param)
        if raw is None:
            continue
        asked = {n.strip() for n in raw.split(",") if n.strip()}
        unknown = asked - set(selected)
        if unknown:
            raise bad_parameter(param, f"Unknown field(s) in '{param}': {', '.join(sorted(unknown))}.", selected)
        selected = [n for n in selected if (n in asked) == (param == "fields")]
    return selected


class FieldsMixin:
    """Serializer mixin: ``?fields=a,b`` keeps only those, ``?omit=c`` drops some."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None or self.context.get("nested"):
            return
        keep = set(selected_fields(self.fields, request.query_params))
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
            paging = sorted(PAGING_PARAMS & set(request.query_params))
            if paging:
                raise bad_parameter(paging[0], "count=on answers only the number of rows; it takes no paging.")
            return Response({"count": self.filter_queryset(self.get_queryset()).count()})
        return super().list(request, *args, **kwargs)


# --- OPTIONS ---


class FilterMetadata(SimpleMetadata):
    """OPTIONS answers DRF's description plus what the endpoint reads from the query string:
    its filters, each with its help, and every parameter it accepts."""

    def determine_metadata(self, request, view):
        data = super().determine_metadata(request, view)
        filterset_class = getattr(view, "filterset_class", None)
        filters = {}
        if filterset_class is not None:
            filters = {
                name: str(f.extra.get("help_text") or f.label or "") for name, f in filterset_class.base_filters.items()
            }
            data["filters"] = filters
        accepted = set(getattr(view, "common_query_params", COMMON_PARAMS))
        accepted |= set(getattr(view, "extra_query_params", ()))
        data["query_parameters"] = sorted(accepted | set(filters))
        return data


# --- Request bodies ---


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested too deeply for Python to read is a 400, not a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None


class RefuseUnknownFieldsMixin:
    """Serializer mixin: a body field the serializer does not write is a 400 naming it
    (``origin``, ``created_by``: provenance is set by the server), never silently dropped."""

    def to_internal_value(self, data):
        if isinstance(data, dict) and not isinstance(data, QueryDict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            refused = {
                key: ["Read-only: set by the server." if key in self.fields else "Unknown field."]
                for key in data
                if key not in writable
            }
            if refused:
                raise ValidationError(refused)
        return super().to_internal_value(data)


# --- Throttling (the throttles are config.throttles's) ---


def client_ip(request) -> str:
    """The client's address as DRF's throttles see it: the socket's, or, behind ``NUM_PROXIES``
    trusted proxies, the one they put in ``X-Forwarded-For`` (counted from the right, so
    addresses a client wrote into the header are never taken). Used by the login lockout."""
    return throttling.BaseThrottle().get_ident(getattr(request, "_request", request))


# --- Formats ---


class StrictContentNegotiation(DefaultContentNegotiation):
    """``?format=`` naming no renderer of the endpoint is a 400 listing the valid ones."""

    def filter_renderers(self, renderers, format):
        matching = [r for r in renderers if r.format == format]
        if not matching:
            valid = sorted({r.format for r in renderers})
            raise bad_parameter("format", f"Unknown format '{format}'; valid: {', '.join(valid)}.")
        return matching


class JSONErrorsMixin:
    """View mixin: errors are JSON even when CSV or GeoJSON was asked for."""

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "status_code", 200) >= 400 and getattr(response, "data", None) is not None:
            renderer = getattr(request, "accepted_renderer", None)
            if renderer is None or renderer.format not in ("json", "api"):
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


def exception_handler(exc, context):
    """DRF's handler, plus Django ValidationErrors from services as 400s."""
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)


# --- OpenAPI schema (the postprocessing hook is config.schema.add_common_responses) ---


class BlankableURLFieldExtension(OpenApiSerializerFieldExtension):
    """A URL field that may be empty is documented as such (``format: uri`` rejects "")."""

    target_class = "rest_framework.fields.URLField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        url = {"type": "string", "format": "uri"}
        # Read-only model URLFields lose allow_blank in DRF, yet a blank model field shows as "".
        if getattr(self.target, "allow_blank", False) or getattr(self.target, "read_only", False):
            return {"anyOf": [url, {"type": "string", "maxLength": 0}]}
        return url
