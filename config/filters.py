"""Query-parameter fields every app's filtersets share: each parses and validates one
parameter, so a malformed value is a 400 naming it, never a 500 later in the database."""

import datetime as dt
import re
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

MAX_INT = 2**31 - 1
MAX_LIST = 50  # values in one comma-separated parameter


class TextField(forms.CharField):
    """Text without NUL characters (PostgreSQL refuses them: a 400 here, not a 500 later)."""

    def to_python(self, value):
        value = super().to_python(value)
        if "\x00" in value:
            raise ValidationError("Null characters are not allowed.")
        return value


class MomentField(TextField):
    """An ISO 8601 date or date-time; returns ``(aware datetime, is_date_only)``."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        tz = timezone.get_default_timezone()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                day = dt.date.fromisoformat(value)
                moment, date_only = dt.datetime(day.year, day.month, day.day, tzinfo=tz), True
            else:
                moment = dt.datetime.fromisoformat(value.replace(" ", "+") if "T" in value else value)
                if timezone.is_naive(moment):
                    moment = moment.replace(tzinfo=tz)
                date_only = False
            if not 1000 <= moment.year <= 9998:
                raise ValueError
            # PostgreSQL takes offsets below 16 hours (real ones span -12:00 to +14:00).
            if abs(moment.utcoffset()) >= dt.timedelta(hours=16):
                raise ValueError
            moment.astimezone(dt.UTC)
        except (ValueError, OverflowError):
            raise ValidationError(
                "Use an ISO 8601 date (2025-04-24) or date-time (2025-04-24T03:00:00+03:00)."
            ) from None
        return moment, date_only


class BBoxField(TextField):
    """``min_lon,min_lat,max_lon,max_lat`` in degrees (WGS 84)."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 4:
            raise ValidationError("Give four numbers: min_lon,min_lat,max_lon,max_lat.")
        try:
            min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
        except ValueError:
            raise ValidationError("Give four numbers: min_lon,min_lat,max_lon,max_lat.") from None
        if any(v != v or v in (float("inf"), float("-inf")) for v in (min_lon, min_lat, max_lon, max_lat)):
            raise ValidationError("Coordinates must be finite numbers.")
        if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
            raise ValidationError("Longitudes must be between -180 and 180.")
        if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
            raise ValidationError("Latitudes must be between -90 and 90.")
        if not (min_lon < max_lon and min_lat < max_lat):
            raise ValidationError("min_lon must be below max_lon and min_lat below max_lat.")
        return (min_lon, min_lat, max_lon, max_lat)


class ListField(TextField):
    """Comma-separated values, stripped, at most ``MAX_LIST``; optionally from fixed choices."""

    def __init__(self, *args, allowed=None, **kwargs):
        self.allowed = allowed
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        items = [v.strip() for v in value.split(",") if v.strip()]
        if not value.strip():
            return None
        if not items:
            raise ValidationError("Give at least one value.")
        if len(items) > MAX_LIST:
            raise ValidationError(f"Give at most {MAX_LIST} values.")
        if self.allowed is not None:
            bad = [v for v in items if v not in self.allowed]
            if bad:
                raise ValidationError(f"Unknown value(s) {', '.join(bad)}; valid: {', '.join(self.allowed)}.")
        return items


class PendingIds(NamedTuple):
    """A cleaned value that is ids still to be found in a table: the form finds every such value
    of a request in one statement (``check_pending``) and puts the ids, sorted, in its place.

    ``rows``: the SQL and parameters selecting the ids the value may name, on database
    ``using``; ``what``: the table's name in the message for ids it does not hold."""

    ids: list[int]
    rows: tuple[str, tuple]
    using: str
    what: str


def check_pending(pending: dict[str, PendingIds]) -> dict:
    """{name: the ids, sorted, or the ValidationError naming those not found} for ``pending``,
    found in one statement per database (the attack list's oblast and munition: one round trip
    instead of two, docs/PERFORMANCE.md §31)."""
    results: dict = {}
    by_db: dict[str, list[tuple[str, PendingIds]]] = {}
    for name, value in pending.items():
        by_db.setdefault(value.using, []).append((name, value))
    for using, items in by_db.items():
        parts, params = [], []
        for tag, (_name, value) in enumerate(items):
            sql, rows_params = value.rows
            parts.append(f"SELECT {tag}, u.id FROM unnest(%s::bigint[]) u(id) WHERE u.id IN ({sql})")  # noqa: S608
            params += [value.ids, *rows_params]
        found: dict[int, set[int]] = {tag: set() for tag in range(len(items))}
        with connections[using].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for tag, pk in cursor.fetchall():
                found[tag].add(pk)
        for tag, (name, value) in enumerate(items):
            missing = [str(i) for i in value.ids if i not in found[tag]]
            if missing:
                results[name] = ValidationError(f"No {value.what} matches {', '.join(missing)}.")
            else:
                results[name] = sorted(set(value.ids))
    return results


class StrictBooleanField(TextField):
    TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}

    def to_python(self, value):
        value = super().to_python(value).strip().lower()
        if not value:
            return None
        if value in self.TRUE:
            return True
        if value in self.FALSE:
            return False
        raise ValidationError("Use true or false.")


class IdListField(ListField):
    """Comma-separated row ids."""

    def to_python(self, value):
        items = super().to_python(value)
        if items is None:
            return None
        if not all(item.isdigit() and len(item) < 18 for item in items):
            raise ValidationError("Give one or more ids (whole numbers) separated by commas.")
        return [int(item) for item in items]


# --- Filters over one model field, each parsing with a field above ---


class InFilter(filters.Filter):
    """One value or several separated by commas; any of them matches."""

    field_class = ListField

    def filter(self, qs, value):
        return qs if not value else qs.filter(**{f"{self.field_name}__in": value})


class IdInFilter(InFilter):
    field_class = IdListField


class TextContainsFilter(filters.Filter):
    """Case-insensitive substring; NUL characters are a 400 (PostgreSQL refuses them)."""

    field_class = TextField

    def filter(self, qs, value):
        return qs if not value else qs.filter(**{f"{self.field_name}__icontains": value})


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanFilter(filters.Filter):
    """true/false (also 1/0, yes/no, on/off); anything else is a 400."""

    field_class = StrictBooleanField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(**{self.field_name: value})


class MomentFilter(filters.Filter):
    """``after``: from the moment (a date: from its start); ``before``: up to it (a date: its whole day)."""

    field_class = MomentField

    def __init__(self, *args, side: str, **kwargs):
        self.side = side
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        moment, date_only = value
        if self.side == "after":
            return qs.filter(**{f"{self.field_name}__gte": moment})
        if date_only:
            return qs.filter(**{f"{self.field_name}__lt": moment + dt.timedelta(days=1)})
        return qs.filter(**{f"{self.field_name}__lte": moment})
