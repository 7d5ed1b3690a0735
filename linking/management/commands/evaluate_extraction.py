"""Measure extraction and linking against a labelled directory (labels.json + texts).

Runs in a throw-away database created and dropped on the same server, so the
working database is never touched.
"""

import datetime as dt
import io
import itertools
import json
import os
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from extraction import split_date_header

METRICS = (
    "strike_report_accuracy",
    "killed_accuracy",
    "injured_accuracy",
    "event_date_accuracy",
    "city_accuracy",
    "munition_model_recall",
    "grouping_f1",
)


def _norm_model(name: str | None) -> str:
    return re.sub(r"[^0-9a-z\u0430-\u044f]", "", (name or "").lower()).replace("\u0445", "kh")


def _figure_right(report: dict, category: str, label: dict | None) -> bool:
    got = (report.get("headline") or {}).get(category)
    want = label or {}
    if want.get("value") is None:
        return got is None
    return got is not None and got["value"] == want["value"] and got["qualifier"] == want["qualifier"]


def _model_found(label_model: str, report: dict, aliases: dict[str, set[str]]) -> bool:
    want = _norm_model(label_model)
    for m in report.get("munitions", []):
        if not m.get("model"):
            continue
        names = {_norm_model(m["model"]), *aliases.get(m["model"], set())}
        if want in names or any(n.startswith(want) or want.startswith(n) for n in names if len(n) >= 3):
            return True
    return False


def _city_right(main: dict | None, label_city: str | None) -> bool:
    """The main place is the labelled city, under its name or any spelling the gazetteer knows.

    Labels write cities as the news does ("Zaporizhzhia", "Mykolaiv"), the gazetteer's
    display names come from GeoNames ("Zaporizhzhya", "Mykolayiv"): the same place."""
    got = (main or {}).get("name")
    if got == label_city:
        return True
    ref = (main or {}).get("ref_key") or ""
    if not label_city or not ref.startswith("place:"):
        return False
    from extraction.names import norm_name
    from strikes.models import Place

    # Linking's gazetteer names places "place:<pk>".
    place = Place.objects.filter(pk=int(ref.split(":", 1)[1])).values("name", "aliases").first()
    if place is None:
        return False
    return norm_name(label_city) in {norm_name(n) for n in [place["name"], *(place["aliases"] or [])]}


def evaluate(directory: Path, stdout=None) -> tuple[dict, list[dict]]:
    """Run extraction and linking over the labelled articles; return (metrics, per-article rows)."""
    from django.core.management import call_command

    from linking.services import article_process
    from sources.models import Article
    from strikes.models import Munition

    labels = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    # The places and munitions the gazetteer is built from; the datasets app (a layer above this
    # one) owns the loader, so its command is called by name (idempotent, output discarded).
    call_command("load_reference", stdout=io.StringIO())
    aliases = {m.name: {_norm_model(a) for a in m.aliases} for m in Munition.objects.all()}
    articles = []
    for label in labels:
        _header, text = split_date_header((directory / label["file"]).read_text(encoding="utf-8"))
        published = None
        if label.get("published"):
            day = dt.date.fromisoformat(label["published"])
            published = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
        article = Article.objects.create(
            url=label.get("url") or "",
            canonical_url=None,
            text=text,
            published_at=published,
            status="fetched",
            origin="import",
        )
        articles.append((label, article))
    for _label, article in articles:
        article_process(article_id=article.pk)

    rows = []
    for label, article in articles:
        article.refresh_from_db()
        report = article.report or {}
        attack = article.attack
        event_date = report.get("event_date")
        if event_date is None and attack is not None and attack.time_precision == "day":
            # An undated article linked to a dated attack takes the attack's date.
            event_date = timezone.localtime(attack.occurred_at).date().isoformat()
        main = (report.get("places") or [None])[0] if report.get("is_strike_report") else None
        models_wanted = [m["model"] for m in label.get("munitions", []) if m.get("model")]
        rows.append(
            {
                "file": label["file"],
                "strike": report.get("is_strike_report") == label["is_strike_report"],
                "killed": _figure_right(report, "killed", label.get("killed")),
                "injured": _figure_right(report, "injured", label.get("injured")),
                "event_date": event_date == label.get("event_date"),
                "city": _city_right(main, label.get("city")),
                "models_wanted": len(models_wanted),
                "models_found": sum(_model_found(m, report, aliases) for m in models_wanted),
                "attack": article.attack_id,
                "event_key": label.get("event_key"),
                "got": {
                    "killed": (report.get("headline") or {}).get("killed"),
                    "injured": (report.get("headline") or {}).get("injured"),
                    "event_date": event_date,
                    "city": (main or {}).get("name"),
                },
                "want": {k: label.get(k) for k in ("killed", "injured", "event_date", "city")},
                "link": article.link_explanation,
                "language": label.get("language") or "en",
            }
        )

    n = len(rows)
    tp = fp = fn = 0
    for a, b in itertools.combinations(rows, 2):
        same_gold = a["event_key"] is not None and a["event_key"] == b["event_key"]
        same_pred = a["attack"] is not None and a["attack"] == b["attack"]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    wanted = sum(r["models_wanted"] for r in rows)
    metrics = {
        "strike_report_accuracy": sum(r["strike"] for r in rows) / n,
        "killed_accuracy": sum(r["killed"] for r in rows) / n,
        "injured_accuracy": sum(r["injured"] for r in rows) / n,
        "event_date_accuracy": sum(r["event_date"] for r in rows) / n,
        "city_accuracy": sum(r["city"] for r in rows) / n,
        "munition_model_recall": (sum(r["models_found"] for r in rows) / wanted) if wanted else 1.0,
        "grouping_f1": f1,
        "articles": n,
    }
    metrics = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    metrics["by_language"] = _by_language(rows)
    return metrics, rows


def _by_language(rows: list[dict]) -> dict:
    """The per-article accuracies again for each labelled language (``uk``, ``ru``, ``en``)."""
    out = {}
    for language in sorted({r["language"] for r in rows}):
        mine = [r for r in rows if r["language"] == language]
        n = len(mine)
        wanted = sum(r["models_wanted"] for r in mine)
        out[language] = {
            "strike_report_accuracy": round(sum(r["strike"] for r in mine) / n, 4),
            "killed_accuracy": round(sum(r["killed"] for r in mine) / n, 4),
            "injured_accuracy": round(sum(r["injured"] for r in mine) / n, 4),
            "event_date_accuracy": round(sum(r["event_date"] for r in mine) / n, 4),
            "city_accuracy": round(sum(r["city"] for r in mine) / n, 4),
            "munition_model_recall": round(sum(r["models_found"] for r in mine) / wanted, 4) if wanted else 1.0,
            "articles": n,
        }
    return out


class Command(BaseCommand):
    help = "Measure extraction and linking on DIR/labels.json and the texts beside it (throw-away database)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--json", action="store_true", help="print the metrics as one JSON object")

    def handle(self, *args, **opts):
        directory: Path = opts["directory"]
        if not (directory / "labels.json").is_file():
            raise CommandError(f"{directory}/labels.json not found")
        settings_dict = connection.settings_dict
        old_name = settings_dict["NAME"]
        # A name of its own, so it never collides with a test run's test_<db>.
        settings_dict.setdefault("TEST", {})
        settings_dict["TEST"]["NAME"] = f"evaluate_{old_name}_{os.getpid()}"[:63]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            metrics, rows = evaluate(directory)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        if opts["json"]:
            self.stdout.write(json.dumps(metrics))
            return
        for r in rows:
            wrong = [k for k in ("strike", "killed", "injured", "event_date", "city") if not r[k]]
            if r["models_found"] < r["models_wanted"]:
                wrong.append("munition model")
            mark = "ok " if not wrong else "ERR"
            self.stdout.write(f"{mark} {r['file']}  attack={r['attack']}  {r['link']}")
            for k in wrong:
                key = {"strike": "is_strike_report"}.get(k, k)
                self.stdout.write(f"      {key}: got {r['got'].get(k)!r}, want {r['want'].get(k)!r}")
        self.stdout.write("")
        for k in (*METRICS, "articles"):
            self.stdout.write(f"{k:24} {metrics[k]}")
        for language, scores in metrics["by_language"].items():
            self.stdout.write(f"{language}: " + ", ".join(f"{k} {v}" for k, v in scores.items()))
