"""Template filters for naming people on pages."""

from django import template

from config.roles import public_name as _public_name

register = template.Library()


@register.filter
def public_name(user, role: str = "Editor") -> str:
    """``{{ decision.decided_by|public_name }}``: the public name, "Editor 12", or "system"."""
    return _public_name(user, role) or "system"
