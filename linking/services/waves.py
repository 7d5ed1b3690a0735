"""The night's counts an article reports ("87 drones and two missiles at Ukraine overnight, 64 shot
down") belong to that night's ``Wave``, not to the attack the article is about.

The wave is matched by the night (an existing wave started between noon the day before the
event and the end of the event's day, an imported one before a proposed one); when none is
known, a *draft* wave is proposed, attributed to the article, with the article's counts. Counts
are only ever written to a draft wave this article proposed: a known wave's counts (imported
from the nightly dataset, or proposed from another article) are left as they are.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sources.models import Article
from strikes.choices import AttackStatus
from strikes.models import Attack, Munition, Wave, WaveMunition

# The proposed wave's span when the article only names the night: from 18:00 the evening
# before to 09:00 on the morning the night is named after (Kyiv time), as the Air Force
# reports a night.
NIGHT_START = dt.time(18, 0)
NIGHT_END = dt.time(9, 0)


def _label(count: dict) -> str:
    """The weapon as the article names it, with the round-up's area when it is one oblast's."""
    weapon = count.get("model") or count.get("category") or "unspecified weapons"
    area = count.get("area") or "Ukraine"
    return weapon if area == "Ukraine" else f"{weapon} ({area})"


def _catalogue_row(count: dict, known: list[Munition]) -> Munition | None:
    if count.get("model"):
        return next((m for m in known if m.name == count["model"]), None)
    code = count.get("category_code")
    generic = [m for m in known if m.is_generic and m.category == code]
    return min(generic, key=lambda m: len(m.name)) if generic else None


def night_wave_match(day: dt.date) -> Wave | None:
    """The wave of the night named after ``day`` (or of that day), imported ones first."""
    start = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12, 0)))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return Wave.objects.filter(started_at__gte=start, started_at__lt=end).order_by("is_draft", "started_at").first()


def night_wave_attach(*, article: Article, report: dict, attack: Attack | None, known: list[Munition]) -> Wave | None:
    """Attach the report's night-wide counts to the night's wave; returns the wave (None if none apply).

    Runs in the caller's transaction. A draft attack with no wave joins this one; a published
    attack is left as it is (only a person changes what the public sees).
    """
    counts = report.get("night_counts") or []
    if not counts or not report.get("event_date") or (report.get("event_date_precision") or "day") != "day":
        return None
    day = dt.date.fromisoformat(report["event_date"])
    wave = night_wave_match(day)
    if wave is None:
        wave = Wave.objects.create(
            started_at=timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), NIGHT_START)),
            ended_at=timezone.make_aware(dt.datetime.combine(day, NIGHT_END)),
            description=f"Proposed from article {article.pk}: {article.title}"[:2000],
            source=(article.canonical_url or article.url or f"article {article.pk}")[:500],
            is_draft=True,
            article=article,
        )
    if wave.is_draft and wave.article_id == article.pk:
        have = set(WaveMunition.objects.filter(wave=wave).values_list("label", flat=True))
        for count in counts:
            label = _label(count)[:300]
            if label in have:
                continue  # extracted again: the first reading stands
            have.add(label)
            row = WaveMunition.objects.create(
                wave=wave,
                label=label,
                launched=count.get("launched"),
                intercepted=count.get("intercepted"),
                details={
                    "article": article.pk,
                    "area": count.get("area") or "Ukraine",
                    "launched_quote": count.get("launched_quote"),
                    "intercepted_quote": count.get("intercepted_quote"),
                },
            )
            munition = _catalogue_row(count, known)
            if munition is not None:
                row.munitions.add(munition)
    if attack is not None and attack.wave_id is None and attack.status == AttackStatus.DRAFT:
        Attack.objects.filter(pk=attack.pk, wave__isnull=True).update(wave=wave, updated_at=timezone.now())
        attack.wave = wave
    return wave
