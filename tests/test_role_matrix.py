"""Who may write what, for every write route the URL resolver knows (issue 20).

The routes are read from the resolver, not listed by hand: API routes by their viewset actions,
page routes by asking each one (a POST that is not answered 405 is a write route). Every write
route must appear in ``LEAST_ROLE`` below, so a new write route without an expectation fails the
test by name. Each is then tried by anonymous, researcher, analyst and editor with an empty
request: a role below the route's least role must be refused (anonymous: sent to log in, or
401/403; signed in: 403), and a refusal must change nothing in the database. A role at or above
it must get past the permission check (whatever the empty body then earns: 400, a form again, a
redirect).
"""

import hashlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from casualties.models import Proposal
from config.roles import ANALYST, EDITOR, RESEARCHER
from sources.models import BulkJob
from tests.factories import ArticleFactory, AttackFactory, ClaimFactory, DecisionFactory, FeedFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", RESEARCHER, ANALYST, EDITOR]
RANK = {role: n for n, role in enumerate(ROLES)}

# The least role each write route accepts. "anonymous": anyone (logging in, getting a token).
LEAST_ROLE = {
    "login": "anonymous",
    "api-token": "anonymous",
    "logout": "anonymous",  # nothing to undo when nobody is logged in
    "profile": RESEARCHER,
    "saved-searches": RESEARCHER,
    "api-attack-list": ANALYST,
    "api-attack-detail": ANALYST,
    "api-article-list": ANALYST,
    "api-feed-list": ANALYST,
    "api-feed-detail": ANALYST,
    "api-claim-list": ANALYST,
    "api-claim-detail": ANALYST,
    "api-claim-withdraw": ANALYST,
    "ingest-url": ANALYST,
    "ingest-text": ANALYST,
    "ingest-bulk": ANALYST,
    "feed-add": ANALYST,
    "feed-toggle": ANALYST,
    "feed-poll": ANALYST,
    "article-retry": ANALYST,
    "article-review-confirm": ANALYST,
    "article-review-reject": ANALYST,
    "article-review-correct": ANALYST,
    "article-review-move": ANALYST,
    "article-review-figure": ANALYST,
    "article-review-munition": ANALYST,
    "article-review-wave-publish": EDITOR,
    "article-review-wave-discard": EDITOR,
    "attack-create": ANALYST,
    "attack-edit": ANALYST,
    "attack-merge": ANALYST,  # on a published attack the service then refuses an analyst (issue 18)
    "attack-split": ANALYST,
    "api-attack-publish": EDITOR,
    "api-attack-retract": EDITOR,
    "api-claim-accept": EDITOR,
    "api-decision-list": EDITOR,
    "api-decision-restore": EDITOR,
    "attack-publish": EDITOR,
    "attack-retract": EDITOR,
    "decision": EDITOR,
    "decision-version-restore": EDITOR,
    "grade-override": EDITOR,
    "claim-accept": EDITOR,
    "proposal-decide": EDITOR,
}
# Not part of the product's roles: Django's admin has its own (staff) permissions.
EXCLUDED_PREFIXES = ("admin/",)
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _routes(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and not (prefix + str(pattern.pattern)).startswith(EXCLUDED_PREFIXES):
            yield pattern


@pytest.fixture
def world(db):
    """One of everything a write route can name, published where that matters."""
    attack = AttackFactory(status="published")
    article = ArticleFactory(attack=attack, status="extracted")
    claim = ClaimFactory(attack=attack, article=article, category="injured")
    decision = DecisionFactory(attack=attack, category="injured")
    feed = FeedFactory()
    job = BulkJob.objects.create()
    proposal = Proposal.objects.create(attack=attack, kind="attack_edit", changes={"description": "x"})
    return {
        "attack": attack.pk,
        "article": article.pk,
        "claim": claim.pk,
        "decision": decision.pk,
        "feed": feed.pk,
        "job": job.pk,
        "proposal": proposal.pk,
    }


def _kwargs(name: str, pattern: URLPattern, world: dict) -> dict:
    keys = set(pattern.pattern.regex.groupindex)
    which = {
        "feed": "feed",
        "article": "article",
        "claim": "claim",
        "decision-version": "decision",
        "api-decision": "decision",
        "proposal": "proposal",
        "bulk-job": "job",
    }
    kwargs = {}
    if "pk" in keys:
        owner = next((obj for key, obj in which.items() if name.startswith(key) or f"-{key}" in name), "attack")
        kwargs["pk"] = world[owner]
    if "category" in keys:
        kwargs["category"] = "injured"
    return kwargs


def _write_methods(pattern: URLPattern, client, editor, world) -> list[str]:
    actions = getattr(pattern.callback, "actions", None)
    if actions:
        return sorted(m.upper() for m in actions if m.upper() in WRITES)
    view_class = getattr(pattern.callback, "view_class", None) or getattr(pattern.callback, "cls", None)
    if view_class is not None:
        return sorted(m.upper() for m in view_class.http_method_names if m.upper() in WRITES and hasattr(view_class, m))
    client.force_login(editor)
    url = reverse(pattern.name, kwargs=_kwargs(pattern.name, pattern, world))
    status = client.post(url).status_code
    client.logout()
    return [] if status == 405 else ["POST"]


def _snapshot() -> str:
    """A fingerprint of every row of every table the product writes."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for label in ("strikes", "casualties", "sources", "watch", "releases"):
            for model in apps.get_app_config(label).get_models():
                table = model._meta.db_table
                cursor.execute(f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM {table} AS t")
                digest.update(f"{table}:{cursor.fetchone()[0]};".encode())
        cursor.execute("SELECT count(*) FROM authtoken_token")
        digest.update(str(cursor.fetchone()[0]).encode())
    return digest.hexdigest()


def _as(client, role, users):
    client.logout()
    if role != "anonymous":
        client.force_login(users[role])
    return client


@pytest.fixture
def users(django_user_model):
    made = {}
    for role in (RESEARCHER, ANALYST, EDITOR):
        user = django_user_model.objects.create_user(username=f"m-{role}", password=f"pw-m-{role}")
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        made[role] = user
    return made


def test_every_write_route_has_an_expectation_and_each_role_gets_what_it_should(client, users, world):
    write_routes = []
    for pattern in _routes():
        if not pattern.name:
            continue
        methods = _write_methods(pattern, client, users[EDITOR], world)
        if methods:
            write_routes.append((pattern, methods))
    names = {pattern.name for pattern, _ in write_routes}
    missing = sorted(names - set(LEAST_ROLE))
    assert not missing, f"write routes with no expectation in LEAST_ROLE: {missing}"
    assert len(names) >= 35  # the resolver was read, not an empty list

    wrong = []
    for pattern, methods in write_routes:
        url = reverse(pattern.name, kwargs=_kwargs(pattern.name, pattern, world))
        least = LEAST_ROLE[pattern.name]
        for method in methods:
            for role in ROLES:
                before = _snapshot()
                response = getattr(_as(client, role, users), method.lower())(url, content_type="application/json")
                status = response.status_code
                login_redirect = status == 302 and "/accounts/login/" in response.get("Location", "")
                refused = status in (401, 403) or login_redirect
                if RANK[role] < RANK[least]:
                    if not refused:
                        wrong.append(f"{method} {pattern.name} as {role}: {status}, expected a refusal")
                    elif _snapshot() != before:
                        wrong.append(f"{method} {pattern.name} as {role}: refused but the database changed")
                elif refused:
                    wrong.append(f"{method} {pattern.name} as {role}: refused ({status}), expected to pass")
    assert not wrong, "\n".join(wrong)
