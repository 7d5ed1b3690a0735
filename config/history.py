"""The history context every tracked write runs in: who (or nobody) and which service.

django-pghistory's triggers copy this context into each event row, so the history of an
attack, claim or decision names its author and the service that made the change.
"""

import pghistory


def history_context(by, service: str, **extra):
    """pghistory context naming the person ``by`` (a user or None) and the service."""
    return pghistory.context(user=by.pk if by else None, service=service, **extra)
