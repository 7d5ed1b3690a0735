"""Safe defaults (issue 20): DEBUG is off unless set, and production refuses to start with the
development key or while demo users can log in, through manage.py and under the web server."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from config.checks import production_safety
from tests.conftest import BASE_DIR, worker_database_url

REAL_KEY = "x7#Qm2!vR9pL$eT4wZ8&nB1cY6@kH3jD5sF0gA-uI+oP=zX%Wq3^Lr7*Nt"


def run(code_or_args: list[str], **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *code_or_args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_debug_is_off_when_the_variable_is_not_set():
    result = run(
        ["manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
        **{"DJANGO_SECRET_KEY": REAL_KEY},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"
    # And with neither DEBUG nor a key, nothing starts.
    refused = run(["manage.py", "check"])
    assert refused.returncode != 0 and "DJANGO_SECRET_KEY" in refused.stderr


@pytest.fixture
def demo_users(db, settings, tmp_path):
    settings.DEBUG = True
    call_command("create_demo_users", "--state-file", str(tmp_path / "users.json"), stdout=StringIO())
    settings.DEBUG = False
    return get_user_model().objects.filter(username__in=["analyst", "editor", "researcher", "admin"])


def ids(errors) -> list[str]:
    return sorted(e.id for e in errors)


def test_production_refuses_while_demo_users_can_log_in(demo_users, settings):
    settings.SECRET_KEY = REAL_KEY
    errors = production_safety()
    assert ids(errors) == ["strikewatch.E002"]
    assert "admin, analyst, editor, researcher" in errors[0].msg
    # Deactivated or without a usable password, they cannot log in: production may start.
    demo_users.filter(username__in=["analyst", "editor"]).update(is_active=False)
    for user in demo_users.filter(username__in=["researcher", "admin"]):
        user.set_unusable_password()
        user.save()
    assert production_safety() == []


def test_production_refuses_the_development_key(db, settings):
    settings.DEBUG = False
    settings.SECRET_KEY = "django-insecure-local-development-only"
    assert ids(production_safety()) == ["strikewatch.E001"]
    settings.SECRET_KEY = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"  # a placeholder, not a secret
    assert ids(production_safety()) == ["strikewatch.E001"]
    settings.SECRET_KEY = REAL_KEY
    assert production_safety() == []
    settings.DEBUG = True
    settings.SECRET_KEY = "django-insecure-local-development-only"
    assert production_safety() == []  # make run and make test


@pytest.mark.django_db(transaction=True)
def test_the_wsgi_app_refuses_to_load_while_demo_users_can_log_in(settings, tmp_path):
    settings.DEBUG = True
    call_command("create_demo_users", "--state-file", str(tmp_path / "users.json"), stdout=StringIO())
    env = {"DEBUG": "false", "DJANGO_SECRET_KEY": REAL_KEY, "DATABASE_URL": worker_database_url()}
    refused = run(["-c", "import config.wsgi"], **env)
    assert refused.returncode != 0
    assert "strikewatch.E002" in refused.stderr and "demo users can log in" in refused.stderr
    get_user_model().objects.filter(email__endswith="@demo.invalid").delete()
    served = run(["-c", "import config.wsgi; print('loaded')"], **env)
    assert served.returncode == 0, served.stderr
    assert served.stdout.strip() == "loaded"
