"""The analyst's review of what extraction found in one article, before confirming it (issues 15, 18).

The draft extraction state is the article's ``report`` (what extraction read, figure by figure,
each with its sentence and offsets) and the claims recorded from it on the attack. Review
changes both together, in one transaction:

* a figure can be deleted, recategorised, rescoped (this event / another place / the night's
  wave) or corrected (value, qualifier): the report's figure changes and so does the claim it
  was recorded as (through the claims services, so on a published attack an analyst's change
  becomes a proposal for an editor); a figure moved to the night's wave becomes a count of the
  draft wave this article proposed (matched or created for that night);
* a munition can be dropped or its count corrected (the attack's munitions follow);
* an editor publishes or discards the draft wave the article proposed.

Nothing of the extraction is lost: the quote, offsets and the figure as first extracted
(``original``) stay on each figure, and every change is stamped by the server with who made it
and when (``reviewed`` on the figure, and one line per change in ``report["review_log"]``).
"""

from __future__ import annotations

import copy
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from casualties.choices import Category, ClaimOrigin, Qualifier
from casualties.models import Claim, Proposal
from config.history import history_context
from config.roles import can_decide, can_log
from linking.services.munitions import _munition_rows
from linking.services.reference import reference_data
from linking.services.waves import night_wave_attach
from sources.choices import ReviewState
from sources.models import Article
from strikes.models import Attack, AttackMunition, Wave, WaveMunition

# The scopes an analyst can give a figure, as the screen names them.
REVIEW_SCOPES = {"event": "This event", "other_place": "Another place", "nationwide": "The night's wave"}
# How the screen names the other scopes extraction gives ("war so far", an earlier strike).
SCOPE_LABELS = {**REVIEW_SCOPES, "war": "The war so far", "past": "An earlier strike"}
# Only weapons counts belong to the night's wave.
WAVE_CATEGORIES = (Category.LAUNCHED, Category.INTERCEPTED)


class ReviewError(ValidationError):
    """A review action that cannot be done as asked; nothing was changed."""


def _stamp(by) -> dict:
    """Who and when, from the server: never from the request."""
    return {"by": by.pk, "by_name": by.get_username(), "at": timezone.now().isoformat(timespec="seconds")}


def _figure_claims(article: Article, report: dict) -> None:
    """Give each figure the id of the claim it was recorded as (once; kept in the report after).

    Extraction records a category's headline figure as that category's claim; the headline names
    the figure by its offset. A figure a nationwide weapons count was written from onto this
    article's draft wave is tied to that count the same way, by its sentence and value."""
    if report.get("review_adopted"):
        return
    figures = report.get("figures") or []
    claims = {
        c.category: c.pk
        for c in Claim.objects.filter(article=article, origin=ClaimOrigin.EXTRACTED).only("pk", "category")
    }
    for category, head in (report.get("headline") or {}).items():
        for fig in figures:
            if fig.get("category") == category and fig.get("start") == head.get("start") and category in claims:
                fig.setdefault("claim_id", claims.pop(category))
                break
    wave = _own_draft_wave(article, report)
    if wave is not None:
        rows = list(WaveMunition.objects.filter(wave=wave))
        for fig in figures:
            if fig.get("scope") != "nationwide" or fig.get("category") not in WAVE_CATEGORIES:
                continue
            field = fig["category"]
            for row in rows:
                said = (row.details or {}).get(f"{field}_quote") or ""
                if getattr(row, field) == fig.get("value") and fig.get("quote") and fig["quote"] in said:
                    fig.setdefault("wave_count", {"wave": wave.pk, "label": row.label, "field": field})
                    break
    report["review_adopted"] = True


def _own_draft_wave(article: Article, report: dict) -> Wave | None:
    wave_id = report.get("wave_id")
    if not isinstance(wave_id, int):
        return None
    return Wave.objects.filter(pk=wave_id, is_draft=True, article=article).first()


def review_state(article: Article) -> dict:
    """The report as the review screen shows it (figures tied to their claims); nothing is saved."""
    report = copy.deepcopy(article.report or {})
    _figure_claims(article, report)
    return report


def _locked(article: Article) -> tuple[Article, dict]:
    """The article row locked (its attack first, the order every claims service takes) and a
    copy of its report ready to change."""
    if article.attack_id:
        Attack.objects.select_for_update().filter(pk=article.attack_id).first()
    locked = Article.objects.select_for_update(of=("self",)).select_related("attack").get(pk=article.pk)
    if not locked.report:
        raise ReviewError("This article has not been extracted yet: there is nothing to review.")
    if locked.review_state == ReviewState.REJECTED:
        raise ReviewError("This article was rejected: its figures are withdrawn.")
    report = copy.deepcopy(locked.report)
    _figure_claims(locked, report)
    return locked, report


def _save(article: Article, report: dict, by, entry: dict) -> None:
    report.setdefault("review_log", []).append({**entry, **_stamp(by)})
    article.report = report
    article.save(update_fields=["report", "updated_at"])


def _figure(report: dict, index) -> dict:
    figures = report.get("figures") or []
    if not isinstance(index, int) or not 0 <= index < len(figures):
        raise ReviewError("No such figure in this article.")
    fig = figures[index]
    if fig.get("deleted"):
        raise ReviewError("This figure was deleted.")
    return fig


def _claim(fig: dict) -> Claim | None:
    claim_id = fig.get("claim_id")
    return Claim.objects.filter(pk=claim_id).first() if claim_id else None


def _withdraw(claim: Claim | None, by, reason: str):
    from casualties.services import claim_withdraw_or_propose

    if claim is None or claim.withdrawn_at is not None:
        return None
    return claim_withdraw_or_propose(claim=claim, by=by, reason=reason)


def _unwave(fig: dict) -> None:
    """Take the figure's count off the draft wave it was written to (never off a known wave)."""
    tie = fig.pop("wave_count", None)
    if not tie:
        return
    row = WaveMunition.objects.filter(wave_id=tie["wave"], wave__is_draft=True, label=tie["label"]).first()
    if row is None:
        return
    setattr(row, tie["field"], None)
    if row.launched is None and row.intercepted is None:
        row.delete()
    else:
        row.save(update_fields=[tie["field"]])


def _weapon_label(report: dict, fig: dict) -> str:
    """The weapon a count moved to the wave is about: the first the article names in its sentence."""
    quote = (fig.get("quote") or "").casefold()
    for item in [*(report.get("night_counts") or []), *(report.get("munitions") or [])]:
        for name in (item.get("model"), item.get("category")):
            if name and name.casefold() in quote:
                return name
    return "unspecified weapons"


def _to_wave(article: Article, report: dict, fig: dict) -> Wave:
    """Write the figure as a count of the night's wave (matched, or proposed as a draft)."""
    if not report.get("event_date") or (report.get("event_date_precision") or "day") != "day":
        raise ReviewError("The article names no day for the strike: there is no night to give this count to.")
    field = fig["category"]
    label = _weapon_label(report, fig)
    count = {"model": None, "category": label, "category_code": None, "area": "Ukraine", field: fig["value"]}
    count[f"{field}_quote"] = fig.get("quote")
    wave = night_wave_attach(
        article=article,
        report={**report, "night_counts": [count]},
        attack=article.attack,
        known=reference_data().munitions,
    )
    if wave.is_draft and wave.article_id == article.pk:
        row = WaveMunition.objects.get(wave=wave, label=label[:300])
        if getattr(row, field) != fig["value"]:
            setattr(row, field, fig["value"])
            row.save(update_fields=[field])
        fig["wave_count"] = {"wave": wave.pk, "label": row.label, "field": field}
    report["wave_id"] = wave.pk
    return wave


def _record(article: Article, fig: dict, by) -> Claim | None:
    """Record a figure that now counts for this event as a claim of the article on its attack."""
    from casualties.services import claim_record

    if article.attack_id is None:
        return None
    live = Claim.objects.filter(
        attack_id=article.attack_id, article=article, category=fig["category"], withdrawn_at__isnull=True
    ).first()
    if live is not None:
        raise ReviewError(
            f"This article already records a figure for {Category(fig['category']).label.lower()} "
            f"({live.get_qualifier_display().lower()} {live.value}): delete it or change its category first."
        )
    document_offset = (article.report or {}).get("text_offset") or 0
    start = fig.get("start")
    inside = isinstance(start, int) and start >= document_offset
    # An extracted claim of this category withdrawn earlier stays withdrawn, as the record of that
    # step: the figure is recorded again in the analyst's name, from the same sentence.
    withdrawn = Claim.objects.filter(
        attack_id=article.attack_id, article=article, category=fig["category"], origin=ClaimOrigin.EXTRACTED
    ).exists()
    return claim_record(
        attack=article.attack,
        article=article,
        category=fig["category"],
        value=fig["value"],
        qualifier=fig["qualifier"],
        reported_at=None,
        quote=fig.get("quote") or "",
        quote_start=start - document_offset if inside else None,
        quote_end=fig["end"] - document_offset if inside else None,
        origin=ClaimOrigin.ENTERED if withdrawn else ClaimOrigin.EXTRACTED,
        by=by,
    )


def review_figure_delete(*, article: Article, index: int, by) -> dict:
    """Delete a wrong figure: kept in the report as deleted, its claim withdrawn, its wave count removed."""
    if not can_log(by):
        raise PermissionDenied("Reviewing articles is for analysts and editors.")
    with transaction.atomic(), history_context(by, "article_review_figure", article=article.pk):
        locked, report = _locked(article)
        fig = _figure(report, index)
        result = _withdraw(_claim(fig), by, "deleted in the article's review")
        _unwave(fig)
        fig["deleted"] = _stamp(by)
        _save(locked, report, by, {"action": "figure_delete", "figure": index})
    return {"proposed": isinstance(result, Proposal)}


def review_figure_update(*, article: Article, index: int, by, category: str, scope: str, qualifier: str, value) -> dict:
    """Recategorise, rescope or correct one figure; its claim (or wave count) follows.

    Returns what happened for the message: ``proposed`` when on a published attack the change of
    a counted claim went to an editor, ``wave`` the wave a count was moved to."""
    if not can_log(by):
        raise PermissionDenied("Reviewing articles is for analysts and editors.")
    if category not in Category.values:
        raise ReviewError(f"Unknown category {category!r}.")
    if qualifier not in Qualifier.values:
        raise ReviewError(f"Unknown qualifier {qualifier!r}.")
    if scope not in SCOPE_LABELS:
        raise ReviewError(f"Unknown scope {scope!r}.")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReviewError("Give the value as a whole number of at least 0.")
    if scope == "nationwide" and category not in WAVE_CATEGORIES:
        raise ReviewError("Only weapons launched or intercepted are counted for the night's wave.")
    from casualties.services import claim_edit

    outcome = {"proposed": False, "wave": None}
    with transaction.atomic(), history_context(by, "article_review_figure", article=article.pk):
        locked, report = _locked(article)
        fig = _figure(report, index)
        before = {k: fig.get(k) for k in ("category", "scope", "qualifier", "value")}
        if scope not in REVIEW_SCOPES and scope != before["scope"]:
            raise ReviewError("A figure can be given to this event, another place or the night's wave.")
        after = {"category": category, "scope": scope, "qualifier": qualifier, "value": value}
        if before == after:
            raise ReviewError("Nothing to change: the figure already says this.")
        claim = _claim(fig)
        live = claim is not None and claim.withdrawn_at is None
        if live and scope == "event":
            # Still this event's: the claim is corrected (on a published attack, proposed).
            changes = {k: after[k] for k in ("category", "qualifier", "value") if after[k] != before[k]}
            if (
                "category" in changes
                and Claim.objects.filter(
                    attack_id=claim.attack_id, article=locked, category=category, origin=ClaimOrigin.EXTRACTED
                )
                .exclude(pk=claim.pk)
                .exists()
            ):
                raise ReviewError(
                    f"This article already has a figure for {Category(category).label.lower()}: "
                    "delete that one or change its category first."
                )
            if changes:
                outcome["proposed"] = isinstance(claim_edit(claim=claim, by=by, **changes), Proposal)
        else:
            if live:
                reason = f"moved to {SCOPE_LABELS[scope].lower()} in the article's review"
                outcome["proposed"] = isinstance(_withdraw(claim, by, reason), Proposal)
            _unwave(fig)
            fig.update(after)
            if scope == "event" and before["scope"] != "event":
                # Newly this event's: recorded as the article's claim for its category. (A figure
                # of the event that was not the one recorded is only corrected in the report.)
                created = _record(locked, fig, by)
                if created is not None:
                    fig["claim_id"] = created.pk
            elif scope == "nationwide":
                outcome["wave"] = _to_wave(locked, report, fig)
        fig.update(after)
        fig.setdefault("original", before)
        fig["reviewed"] = _stamp(by)
        _save(locked, report, by, {"action": "figure_update", "figure": index, "before": before, "after": after})
    return outcome


def review_claim_corrected(*, article: Article, claim: Claim, by) -> None:
    """Keep the report's figure in step with its claim corrected through the recorded-figures form."""
    with transaction.atomic(), history_context(by, "article_review_figure", article=article.pk):
        try:
            locked, report = _locked(article)
        except ReviewError:
            return  # nothing extracted to keep in step (or rejected: left as it is)
        for n, fig in enumerate(report.get("figures") or []):
            if fig.get("claim_id") != claim.pk or fig.get("deleted"):
                continue
            before = {k: fig.get(k) for k in ("category", "scope", "qualifier", "value")}
            after = {**before, "value": claim.value, "qualifier": claim.qualifier}
            if after == before:
                return
            fig.update(after)
            fig.setdefault("original", before)
            fig["reviewed"] = _stamp(by)
            _save(locked, report, by, {"action": "figure_update", "figure": n, "before": before, "after": after})
            return


def _attack_munitions_without(attack: Attack, article: Article, drop_id: int | None, counts: dict, quote: str = ""):
    """The attack's munitions as ``attack_edit`` takes them, one dropped and counts changed.

    A munition another source of the attack names too stays: only this article is dropped."""
    rows = []
    present = set()
    for am in AttackMunition.objects.filter(attack=attack).order_by("munition_id"):
        present.add(am.munition_id)
        if am.munition_id == drop_id:
            continue
        rows.append({"munition": am.munition_id, "count": counts.get(am.munition_id, am.count), "quote": am.quote})
    rows += [{"munition": mid, "count": n, "quote": quote} for mid, n in counts.items() if mid not in present]
    if drop_id is not None:
        others = Article.objects.filter(attack=attack).exclude(pk=article.pk).exclude(review_state=ReviewState.REJECTED)
        for other in others.only("report"):
            items = [m for m in (other.report or {}).get("munitions") or [] if not m.get("dropped")]
            if any(m.pk == drop_id for m, _c, _q in _munition_rows({"munitions": items})):
                kept = AttackMunition.objects.get(attack=attack, munition_id=drop_id)
                rows.append({"munition": drop_id, "count": kept.count, "quote": kept.quote})
                break
    return rows


def review_munition(*, article: Article, index: int, by, drop: bool = False, count=None) -> dict:
    """Drop a munition the article does not name after all, or correct its count."""
    from casualties.services import attack_edit

    if not can_log(by):
        raise PermissionDenied("Reviewing articles is for analysts and editors.")
    if not drop and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        raise ReviewError("Give the count as a whole number of at least 0.")
    with transaction.atomic(), history_context(by, "article_review_munition", article=article.pk):
        locked, report = _locked(article)
        items = report.get("munitions") or []
        if not isinstance(index, int) or not 0 <= index < len(items) or items[index].get("dropped"):
            raise ReviewError("No such munition in this article.")
        item = items[index]
        before = {"count": item.get("count")}
        if not drop and before["count"] == count:
            raise ReviewError("Nothing to change: the munition already has this count.")
        rows = _munition_rows({"munitions": [item]})
        proposed = False
        if locked.attack is not None and rows:
            munition_id = rows[0][0].pk
            if drop:
                wanted = _attack_munitions_without(locked.attack, locked, munition_id, {})
            else:
                wanted = _attack_munitions_without(
                    locked.attack, locked, None, {munition_id: count}, (item.get("quote") or "")[:2000]
                )
            result = attack_edit(attack=locked.attack, by=by, munitions=wanted)
            proposed = isinstance(result, Proposal)
        if drop:
            item["dropped"] = _stamp(by)
            entry = {"action": "munition_drop", "munition": index}
        else:
            item.setdefault("original", before)
            item["count"] = count
            item["reviewed"] = _stamp(by)
            entry = {"action": "munition_update", "munition": index, "before": before, "after": {"count": count}}
        _save(locked, report, by, entry)
    return {"proposed": proposed}


def _draft_wave_of(article: Article) -> tuple[Article, dict, Wave]:
    if article.attack_id:  # the attack first, as everywhere (discarding the wave updates it)
        Attack.objects.select_for_update().filter(pk=article.attack_id).first()
    locked = Article.objects.select_for_update().get(pk=article.pk)
    report = copy.deepcopy(locked.report or {})
    wave = _own_draft_wave(locked, report)
    if wave is None:
        raise ReviewError("This article proposed no draft wave (or it was already published or discarded).")
    return locked, report, Wave.objects.select_for_update().get(pk=wave.pk)


def review_wave_publish(*, article: Article, by) -> Wave:
    """An editor publishes the draft wave the article proposed: the public reads it from now on."""
    if not can_decide(by):
        raise PermissionDenied("Only editors publish a wave.")
    with transaction.atomic(), history_context(by, "wave_publish", article=article.pk):
        locked, report, wave = _draft_wave_of(article)
        wave.is_draft = False
        wave.save(update_fields=["is_draft", "updated_at"])
        report["wave_published"] = _stamp(by)
        _save(locked, report, by, {"action": "wave_publish", "wave": wave.pk})
    return wave


def review_wave_discard(*, article: Article, by) -> int:
    """An editor discards the draft wave the article proposed: the wave and its counts are deleted,
    its attacks keep no wave; the report keeps its counts and who discarded it when."""
    if not can_decide(by):
        raise PermissionDenied("Only editors discard a proposed wave.")
    with transaction.atomic(), history_context(by, "wave_discard", article=article.pk):
        locked, report, wave = _draft_wave_of(article)
        pk = wave.pk
        counts = list(WaveMunition.objects.filter(wave=wave).values_list("label", "launched", "intercepted"))
        wave.delete()
        for fig in report.get("figures") or []:
            if (fig.get("wave_count") or {}).get("wave") == pk:
                fig.pop("wave_count")
        report["wave_id"] = None
        report["wave_discarded"] = {"wave": pk, "counts": [list(c) for c in counts], **_stamp(by)}
        _save(locked, report, by, {"action": "wave_discard", "wave": pk})
    return pk


def review_when(stamp: dict | None) -> dt.datetime | None:
    """A stamp's time, for templates."""
    if not stamp or not stamp.get("at"):
        return None
    return dt.datetime.fromisoformat(stamp["at"])
