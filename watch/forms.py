"""The saved-search form."""

from django import forms


class SavedSearchForm(forms.Form):
    """What a user fills in to save a search: its name, its filters, and how to be told."""

    name = forms.CharField(label="Name", max_length=100)
    query = forms.CharField(
        label="Filters",
        required=False,
        max_length=4000,
        help_text="The explore page's or the API's URL, or just its query (oblast=Kharkiv&munition=Shahed-136). "
        "Empty: every published attack.",
        widget=forms.TextInput(attrs={"class": "mono"}),
    )
    email = forms.EmailField(label="E-mail to", required=False)
    webhook_url = forms.URLField(
        label="Webhook URL",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="We POST JSON, signed with HMAC-SHA256 (see the secret below once saved).",
    )
