"""Forms of the strikes pages: the explore filter panel, the attack form and its claims,
the retraction form.

The filter panel only *renders* the filters: the query string is parsed and validated
by ``strikes.filtersets.AttackFilterSet``, the same code the API runs, so a view shared
as a page URL and as an API link means the same rows.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from casualties.choices import Category, Qualifier
from strikes.choices import AttackStatus, EvidenceGrade, GeoPrecision, MunitionCategory, TargetType, TimePrecision
from strikes.models import Munition, Place

# The filters the explore panel shows, in order; names are the API's.
EXPLORE_FILTERS = (
    "q",
    "occurred_after",
    "occurred_before",
    "oblast",
    "munition",
    "munition_category",
    "target_type",
    "killed_min",
    "injured_min",
    "disputed",
    "grade",
    "status",
)

# Filters a page URL may carry that the panel has no field for: kept, validated and
# passed on to the map, the list, the timeline and the API link unchanged.
# Staff choose what to see; the public sees published attacks only (no field at all).
STATUS_CHOICES = (
    (AttackStatus.PUBLISHED, "Published"),
    (AttackStatus.DRAFT, "Drafts"),
    (AttackStatus.RETRACTED, "Retracted"),
    (",".join(AttackStatus.values), "Any status"),
)

PASS_THROUGH_FILTERS = (
    "place",
    "origin_country",
    "killed_max",
    "geo_precision_max",
    "bbox",
    "updated_since",
    "ordering",
)


def _choices_with_raw(choices: list[tuple[str, str]], raw: str) -> list[tuple[str, str]]:
    """The select's options, plus the URL's own value when it is none of them
    (``oblast=Kyiv Oblast,Lviv Oblast`` from a hand-written or API URL stays selected)."""
    if raw and raw not in {str(value) for value, _label in choices}:
        return [*choices, (raw, raw)]
    return choices


class ExploreFilterForm(forms.Form):
    """The explore page's filter panel; field names are the API's filter names."""

    q = forms.CharField(label="Search text", required=False)
    occurred_after = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    occurred_before = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    oblast = forms.ChoiceField(label="Oblast", required=False)
    munition = forms.ChoiceField(label="Munition", required=False)
    munition_category = forms.ChoiceField(label="Munition category", required=False)
    target_type = forms.ChoiceField(label="Target type", required=False)
    killed_min = forms.IntegerField(label="Killed at least", required=False, min_value=0)
    injured_min = forms.IntegerField(label="Injured at least", required=False, min_value=0)
    disputed = forms.ChoiceField(
        label="Figures",
        required=False,
        choices=[("", "Any"), ("true", "Disputed"), ("false", "Not disputed")],
    )
    # Several grades at once (the API's grade=a,b); none ticked means every grade but discounted.
    grade = forms.MultipleChoiceField(
        label="Evidence grade",
        required=False,
        choices=EvidenceGrade.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every grade but discounted.",
    )
    status = forms.ChoiceField(label="Status", required=False)

    def __init__(self, data=None, *, staff: bool):
        # The panel shows the query string back as given: the filterset validates it, not this form.
        data = dict(data or {})
        for name in ("occurred_after", "occurred_before"):
            # A date-time from a hand-written URL shows as its day (the date input holds no time).
            if len(data.get(name, "")) > 10:
                data[name] = data[name][:10]
        if isinstance(data.get("grade"), str):
            data["grade"] = [g for g in data["grade"].split(",") if g]
        super().__init__(initial=data)
        oblasts = [(str(p.pk), p.name) for p in Place.objects.oblasts().only("pk", "name")]
        munitions = [(str(m.pk), m.name) for m in Munition.objects.only("pk", "name")]
        self.fields["oblast"].choices = _choices_with_raw([("", "All oblasts"), *oblasts], data.get("oblast", ""))
        self.fields["munition"].choices = _choices_with_raw(
            [("", "Any munition"), *munitions], data.get("munition", "")
        )
        self.fields["munition_category"].choices = _choices_with_raw(
            [("", "Any category"), *MunitionCategory.choices], data.get("munition_category", "")
        )
        self.fields["target_type"].choices = _choices_with_raw(
            [("", "Any target"), *TargetType.choices], data.get("target_type", "")
        )
        if staff:
            self.fields["status"].choices = _choices_with_raw(
                [*STATUS_CHOICES], data.get("status", AttackStatus.PUBLISHED)
            )
        else:
            # Drafts and retractions are for staff; the public sees published attacks only.
            del self.fields["status"]


class RetractForm(forms.Form):
    """An editor's reason for withdrawing an attack from public view."""

    reason = forms.CharField(
        label="Reason for retraction",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Shown to staff on the attack page and kept in its history.",
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("A retraction needs a reason.")
        return reason


class MunitionChoiceField(forms.ModelMultipleChoiceField):
    """The catalogue as option groups by category, so a long list stays scannable."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Munition.objects.order_by("category", "name"), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.origin_country})" if obj.origin_country else obj.name

    def grouped_choices(self) -> list:
        labels = dict(MunitionCategory.choices)
        groups: dict[str, list] = {}
        for munition in self.queryset:
            groups.setdefault(labels.get(munition.category, munition.category), []).append(
                (munition.pk, self.label_from_instance(munition))
            )
        return sorted(groups.items())


class AttackForm(forms.Form):
    """An attack as an analyst logs it: where, when, what hit it."""

    place = forms.ModelChoiceField(
        queryset=Place.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose a place from the suggestions."},
    )
    place_search = forms.CharField(
        label="Place",
        required=False,
        help_text="Type a town, district or oblast and pick a suggestion, or click the map.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    # A settlement the gazetteer lacks (a village below its population cut-off): the analyst names
    # it, picks its oblast and clicks the map; ``strikes.services.place_add`` adds it.
    new_place_name = forms.CharField(
        label="New place's name",
        required=False,
        max_length=200,
        help_text="Only for a place the suggestions do not know: its name, its oblast, and a click on the map.",
    )
    new_place_oblast = forms.ModelChoiceField(
        label="Its oblast",
        queryset=Place.objects.oblasts(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Choose an oblast from the list."},
    )
    latitude = forms.FloatField(label="Latitude", required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label="Longitude", required=False, min_value=-180, max_value=180)
    geo_precision = forms.TypedChoiceField(
        label="Location precision", choices=GeoPrecision.choices, coerce=int, initial=GeoPrecision.CITY
    )
    occurred_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="Local time (Kyiv).",
    )
    time_precision = forms.ChoiceField(label="Time precision", choices=TimePrecision.choices, initial="day")
    target_type = forms.ChoiceField(label="Target type", choices=TargetType.choices, initial="unknown")
    munitions = MunitionChoiceField(
        label="Munitions",
        required=False,
        help_text="Type to search the catalogue and pick each munition used (without JavaScript: hold Ctrl or ⌘ "
        "to choose several). Give a count when the source says how many.",
        widget=forms.SelectMultiple(attrs={"size": 8, "data-munition-picker": ""}),
    )
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The widget shows option groups; validation still checks against the queryset.
        self.fields["munitions"].widget.choices = self.fields["munitions"].grouped_choices()
        self.munition_counts: dict[int, int | None] = {}

    @staticmethod
    def count_name(munition_id) -> str:
        """The name of the count input beside a chosen munition (one per munition, beside the select)."""
        return f"munition_count_{munition_id}"

    def clean_munitions(self):
        """The chosen munitions; each one's count (``munition_count_<id>``, empty: not said) read
        beside it into ``munition_counts``."""
        munitions = self.cleaned_data["munitions"]
        counts, wrong = {}, []
        for munition in munitions:
            raw = (self.data.get(self.count_name(munition.pk)) or "").strip()
            if not raw:
                counts[munition.pk] = None
            elif raw.isdigit() and int(raw) <= MAX_FIGURE:
                counts[munition.pk] = int(raw)
            else:
                wrong.append(munition.name)
        if wrong:
            raise ValidationError(
                f"Give the count of {', '.join(wrong)} as a whole number from 0 to {MAX_FIGURE:,}, or leave it empty."
            )
        self.munition_counts = counts
        return munitions

    def munition_rows(self, attack=None) -> list[dict]:
        """The chosen munitions with their counts, as the services take them; a munition the attack
        already had keeps its quote (the form does not show or edit quotes)."""
        quotes = dict(attack.attack_munitions.values_list("munition_id", "quote")) if attack is not None else {}
        return [
            {"munition": m.pk, "count": self.munition_counts.get(m.pk), "quote": quotes.get(m.pk, "")}
            for m in self.cleaned_data["munitions"]
        ]

    def count_rows(self) -> list[dict]:
        """A count input per chosen munition, as the page shows them: the typed values when the
        form comes back refused, else the attack's counts (``initial["munition_counts"]``)."""
        field = self["munitions"]
        chosen = [str(v) for v in (field.value() or [])]
        names = {
            str(m.pk): m for m in self.fields["munitions"].queryset.filter(pk__in=[c for c in chosen if c.isdigit()])
        }
        initial = self.initial.get("munition_counts") or {}
        rows = []
        for pk in chosen:
            munition = names.get(pk)
            if munition is None:
                continue
            value = self.data.get(self.count_name(pk), "") if self.is_bound else initial.get(munition.pk)
            rows.append(
                {
                    "pk": munition.pk,
                    "label": self.fields["munitions"].label_from_instance(munition),
                    "name": self.count_name(pk),
                    "value": "" if value is None else value,
                }
            )
        return rows

    def clean_occurred_at(self):
        # The service refuses it too; checked here so the message sits on the field at once.
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + dt.timedelta(minutes=settings.ATTACK_CLOCK_SKEW_MINUTES):
            raise ValidationError("The attack cannot have happened in the future; check the date and time.")
        return value

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            self.add_error("latitude" if lat is None else "longitude", "Give both latitude and longitude, or neither.")
        if data.get("new_place_name"):
            if data.get("place") is not None:
                self.add_error("new_place_name", "Either choose a suggested place or add a new one, not both.")
            if data.get("new_place_oblast") is None and not self.has_error("new_place_oblast"):
                self.add_error("new_place_oblast", "Choose the oblast the new place is in.")
            if (lat is None or lon is None) and not self.has_error("latitude") and not self.has_error("longitude"):
                self.add_error("new_place_name", "Click the map where the new place is, so it has coordinates.")
            return data
        if data.get("place") is None and lat is None and lon is None and not self.has_error("place"):
            if data.get("place_search"):
                self.add_error("place_search", "Choose one of the suggestions, or click the map to set coordinates.")
            else:
                self.add_error("place_search", "Give a place or click the map.")
        return data

    def new_place_fields(self) -> dict | None:
        """``place_add``'s keyword arguments when the analyst adds a place, else None."""
        data = self.cleaned_data
        if not data.get("new_place_name"):
            return None
        return {
            "name": data["new_place_name"],
            "oblast": data["new_place_oblast"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
        }

    def service_fields(self) -> dict:
        """The cleaned values as ``attack_create`` / ``attack_update`` keyword arguments."""
        data = self.cleaned_data
        return {
            "place": data["place"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "geo_precision": data["geo_precision"],
            "occurred_at": data["occurred_at"],
            "time_precision": data["time_precision"],
            "target_type": data["target_type"],
            "description": data["description"],
        }


# No strike's toll or weapons count comes near this; a bigger number is a typing slip (10^12).
MAX_FIGURE = 1_000_000


class ClaimForm(forms.Form):
    """One figure from one source: the number, how it was qualified, the quote and the source."""

    category = forms.ChoiceField(label="Figure", choices=[("", "—"), *Category.choices], required=False)
    qualifier = forms.ChoiceField(label="Qualifier", choices=Qualifier.choices, initial=Qualifier.EXACT)
    value = forms.IntegerField(
        label="Number",
        min_value=0,
        max_value=MAX_FIGURE,
        required=False,
        error_messages={
            "max_value": "That is more than any strike's figure could be (at most 1,000,000): check the number.",
            "min_value": "A figure cannot be negative.",
        },
    )
    quote = forms.CharField(
        label="Quote",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The sentence the figure comes from.",
    )
    article_url = forms.URLField(
        label="Article URL", required=False, assume_scheme="https", help_text="Fetched and archived."
    )
    source_label = forms.CharField(
        label="Or outlet / source", required=False, max_length=200, help_text="When there is no URL."
    )
    reported_at = forms.DateTimeField(
        label="Reported at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="When the source published it (empty: the article's date, else now).",
    )

    def has_claim(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("category") or data.get("value") is not None or data.get("quote"))

    def clean(self):
        data = super().clean()
        if not self.has_claim():
            return data
        if not data.get("category"):
            self.add_error("category", "Choose what the number counts.")
        if data.get("value") is None and not self.has_error("value"):
            self.add_error("value", "Give the number.")
        if not data.get("article_url") and not data.get("source_label") and not self.has_error("article_url"):
            self.add_error("article_url", "Give the article URL or name the source.")
        return data

    def service_fields(self) -> dict:
        """The cleaned values as ``claim_record`` keyword arguments (without the article)."""
        data = self.cleaned_data
        return {
            "category": data["category"],
            "value": data["value"],
            "qualifier": data["qualifier"],
            "quote": data["quote"],
            "source_label": data["source_label"],
            # Empty: the service uses the article's publication time, else now.
            "reported_at": data["reported_at"],
        }


ClaimFormSet = forms.formset_factory(ClaimForm, extra=2, max_num=20, absolute_max=20)
