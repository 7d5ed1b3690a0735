"""Middleware of our own: the Content-Security-Policy header, its text built once.

django-csp builds the policy's text from the settings on every response (about 60 µs: the
directives sorted, joined and checked, twice, for the policy and the report-only one). Every
response of this site carries the same policy: no view decorates its own, and no page uses a
nonce. So ``CSPMiddleware`` keeps the text built for the settings' policy and reuses it; a
response or request that does customise (``@csp_update``/``@csp_replace``/``@csp``, a nonce
read) goes through django-csp's own code, and a change of the settings (tests) drops the
kept text. Every other rule (debug pages, exempt responses, a header already set, excluded
path prefixes, the nonce guard after the response) is django-csp's, run as it runs it.
"""

import http.client

from csp import middleware as csp_middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What a response carries when its policy is not the settings' own (django-csp's decorators).
_CUSTOM = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
# (header, its settings, the response attribute exempting from it), as django-csp reads them.
_HEADERS = (
    (HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
    (HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro"),
)
_DEBUG_PAGES = (http.client.INTERNAL_SERVER_ERROR, http.client.NOT_FOUND)

_built: dict[str, tuple[str, tuple[str, ...]]] = {}


def _policy(header: str, setting: str) -> tuple[str, tuple[str, ...]]:
    """(the header's text for the settings' policy, the path prefixes it is not sent for), built once."""
    built = _built.get(header)
    if built is None:
        prefixes = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
        built = _built[header] = (build_policy(report_only=header == HEADER_REPORT_ONLY), prefixes)
    return built


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
        _built.clear()


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, the settings' policy text built once (see the module)."""

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(hasattr(response, a) for a in _CUSTOM):
            return super().process_response(request, response)  # a policy of its own: built for it
        if response.status_code in _DEBUG_PAGES and settings.DEBUG:
            return response
        for header, setting, exempt in _HEADERS:
            text, prefixes = _policy(header, setting)
            if (
                text
                and header not in response
                and getattr(response, exempt, False) is False
                and not request.path_info.startswith(prefixes)
            ):
                response[header] = text
        # As django-csp: a nonce asked for after the header is written is an error, not a silent miss.
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
