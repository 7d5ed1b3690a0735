"""Forms of the ingest page: paste a URL, paste a text, upload a list of URLs, add a feed.

They check shape only (lengths, required fields, the URL's form); the services decide
the rest and their ValidationErrors are shown next to the fields they name.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from sources.canonical import InvalidURL, url_canonical

MAX_LIST_BYTES = 2 * 1024 * 1024


def _checked_url(value: str) -> str:
    try:
        url_canonical(value)
    except InvalidURL as exc:
        raise ValidationError(str(exc)) from None
    return value.strip()


class UrlSubmitForm(forms.Form):
    url = forms.CharField(
        label="Article URL",
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        help_text="The page is fetched in the background; its main text, title, date and outlet are stored.",
    )

    def clean_url(self):
        return _checked_url(self.cleaned_data["url"])


class TextSubmitForm(forms.Form):
    text = forms.CharField(
        label="Article text",
        widget=forms.Textarea(attrs={"rows": 8}),
        strip=False,
        help_text="Plain text; any markup pasted with it is removed.",
    )
    url = forms.CharField(label="URL (optional)", max_length=2000, required=False, widget=forms.URLInput)
    outlet = forms.CharField(label="Outlet (optional)", max_length=200, required=False)
    title = forms.CharField(label="Title (optional)", max_length=1000, required=False)
    published_at = forms.DateTimeField(
        label="Published (optional)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text="Kyiv time.",
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if not text.strip():
            raise ValidationError("Paste the text of the article.")
        if len(text.encode("utf-8", errors="replace")) > settings.INGEST_MAX_BYTES:
            raise ValidationError(f"The text is longer than {settings.INGEST_MAX_BYTES:,} bytes.")
        return text

    def clean_url(self):
        url = self.cleaned_data["url"]
        return _checked_url(url) if url.strip() else ""


class BulkSubmitForm(forms.Form):
    file = forms.FileField(
        label="File of URLs", required=False, help_text="Plain text, one URL a line; lines starting with # are skipped."
    )
    urls = forms.CharField(label="…or paste URLs", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    name = forms.CharField(label="Name (optional)", max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        lines: list[str] = []
        if upload is not None:
            if upload.size > MAX_LIST_BYTES:
                self.add_error("file", f"The file is larger than {MAX_LIST_BYTES // (1024 * 1024)} MB.")
                return cleaned
            raw = upload.read()
            if b"\x00" in raw[:4096]:
                self.add_error("file", "This is not a text file.")
                return cleaned
            try:
                lines += raw.decode("utf-8-sig").splitlines()
            except UnicodeDecodeError:
                self.add_error("file", "The file is not UTF-8 text.")
                return cleaned
            if not cleaned.get("name"):
                cleaned["name"] = upload.name[:300]
        lines += (cleaned.get("urls") or "").splitlines()
        if not any(line.strip() and not line.strip().startswith("#") for line in lines):
            self.add_error("urls", "Upload a file or paste at least one URL.")
        cleaned["lines"] = lines
        return cleaned


class FeedForm(forms.Form):
    url = forms.CharField(label="Feed URL (RSS or Atom)", max_length=2000, widget=forms.URLInput)
    poll_interval_minutes = forms.IntegerField(
        label="Poll every (minutes)", min_value=1, max_value=7 * 24 * 60, initial=15
    )

    def clean_url(self):
        return _checked_url(self.cleaned_data["url"])
