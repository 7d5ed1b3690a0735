"""The extraction package is pure Python: importing and running it loads no Django and no project app."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {"config", "sources", "strikes", "casualties", "linking", "datasets", "releases", "watch"} | {
    "django",
    "rest_framework",
    "celery",
}


def test_extract_runs_without_django_or_any_app():
    code = (
        "import sys, datetime\n"
        "from extraction import extract\n"
        "r = extract('A drone hit a house in Kharkiv overnight; two people were killed.', "
        "published=datetime.date(2025, 4, 24))\n"
        "print(r.headline['killed']['value'], r.places[0]['name'])\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    ran, loaded = result.stdout.splitlines()
    assert ran == "2 Kharkiv"
    assert loaded == ""
