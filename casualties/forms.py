"""Forms for the editors' pages: a decision on one figure, with a rank for each claim; an
attack's evidence grade."""

from django import forms

from casualties.choices import ClaimRank
from strikes.choices import EvidenceGrade


class DecisionForm(forms.Form):
    """Best / low / high, a rationale, and a rank (with a reason for deprecation) per claim.

    ``expected_version`` is the version the editor saw when the page was rendered; the
    service refuses the save when another editor has saved since.
    """

    best = forms.IntegerField(
        min_value=0,
        label="Best estimate",
        widget=forms.NumberInput(attrs={"data-key": "b", "data-key-label": "Go to the best estimate"}),
    )
    low = forms.IntegerField(min_value=0, label="Low")
    high = forms.IntegerField(min_value=0, required=False, label="High", help_text="Empty: no upper bound.")
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Rationale",
        help_text="Why this figure: kept with the version, shown in the history.",
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.claims = list(claims)
        for claim in self.claims:
            # Not required: a claim recorded while the editor had the page open keeps its rank.
            self.fields[f"rank_{claim.pk}"] = forms.ChoiceField(
                choices=ClaimRank.choices, initial=claim.rank, required=False, label=f"Rank of claim {claim.pk}"
            )
            self.fields[f"reason_{claim.pk}"] = forms.CharField(
                required=False,
                initial=claim.rank_reason,
                label=f"Reason for claim {claim.pk}",
                help_text="Required to deprecate.",
            )

    def rank_fields(self, claim):
        return self[f"rank_{claim.pk}"], self[f"reason_{claim.pk}"]

    def clean(self):
        data = super().clean()
        best, low, high = data.get("best"), data.get("low"), data.get("high")
        if best is not None and low is not None and low > best:
            self.add_error("low", "The low end cannot be above the best estimate.")
        if best is not None and high is not None and high < best:
            self.add_error("high", "The high end cannot be below the best estimate.")
        for claim in self.claims:
            rank, reason = data.get(f"rank_{claim.pk}"), (data.get(f"reason_{claim.pk}") or "").strip()
            if rank == ClaimRank.DEPRECATED and not reason:
                self.add_error(f"reason_{claim.pk}", "Say why this claim is deprecated.")
        return data

    def claim_ranks(self) -> dict[int, tuple[str, str]]:
        return {
            c.pk: (self.cleaned_data[f"rank_{c.pk}"], (self.cleaned_data.get(f"reason_{c.pk}") or "").strip())
            for c in self.claims
            if self.cleaned_data.get(f"rank_{c.pk}")
        }


class RestoreForm(forms.Form):
    """Restore an earlier version: only the version the editor saw as current."""

    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class GradeOverrideForm(forms.Form):
    """An editor's evidence grade for an attack, with the reason; "computed" clears the override.

    ``expected_version`` is the override version the editor saw (0 for none); the service
    refuses the save when another editor has changed the grade since.
    """

    grade = forms.ChoiceField(
        required=False,
        label="Grade",
        help_text="“Computed from the sources” clears an editor's grade.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reason",
        help_text="Shown with the grade on the attack's page and kept in its history.",
    )
    expected_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "Computed from the sources"), *EvidenceGrade.choices]
