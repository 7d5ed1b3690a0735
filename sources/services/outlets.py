"""Outlets: found or created from a host name or a name."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from sources.canonical import line_clean
from sources.models import Outlet


def outlet_for_host(*, host: str, site_name: str = "") -> Outlet | None:
    """The outlet publishing under ``host`` (``www.`` ignored), created from the site's name if new."""
    domain = host.lower().strip().rstrip(".")
    domain = domain[4:] if domain.startswith("www.") else domain
    if not domain:
        return None
    name = line_clean(site_name)[:200] or domain
    outlet = Outlet.objects.for_domain(domain).first()
    if outlet is not None:
        if outlet.name == domain and name != domain and not Outlet.objects.filter(name=name).exists():
            # First seen from a feed or a bare URL; the site has told us its real name since.
            try:
                with transaction.atomic():
                    Outlet.objects.filter(pk=outlet.pk, name=domain).update(name=name, updated_at=timezone.now())
                outlet.name = name
            except IntegrityError:
                pass
        return outlet
    # An outlet an editor entered by name without a domain is the same publisher: adopt it.
    with transaction.atomic():
        adopted = Outlet.objects.filter(name__iexact=name, domain="").order_by("pk").first()
        if adopted is not None:
            Outlet.objects.filter(pk=adopted.pk).update(domain=domain, updated_at=timezone.now())
            adopted.domain = domain
            return adopted
    for candidate in dict.fromkeys([name, f"{name} ({domain})"[:200], domain]):
        try:
            with transaction.atomic():
                return Outlet.objects.create(domain=domain, name=candidate)
        except IntegrityError:
            # Either another worker created this domain just now, or another outlet has the name.
            existing = Outlet.objects.for_domain(domain).first()
            if existing is not None:
                return existing
    return Outlet.objects.for_domain(domain).first()


def outlet_for_name(*, name: str) -> Outlet | None:
    """The outlet called ``name`` (case-insensitive), created when new."""
    name = line_clean(name)[:200]
    if not name:
        return None
    outlet = Outlet.objects.filter(name__iexact=name).order_by("pk").first()
    if outlet is not None:
        return outlet
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name)
    except IntegrityError:
        return Outlet.objects.filter(name__iexact=name).order_by("pk").first()
