"""Analysts' corrections of the grouping: moving an article, merging two attacks, splitting one,
and confirming or rejecting the pipeline's proposal.

Claims always follow their article; nothing is deleted except an attack emptied by a merge,
whose deletion pghistory keeps as an event.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from casualties.models import Claim, Decision
from casualties.services.grades import grade_refresh
from config.history import history_context
from linking.services.munitions import attach_munitions
from linking.services.process import search_refresh
from sources.choices import ReviewState
from sources.models import Article
from sources.services import article_link_set, article_review_set, articles_link_move
from strikes.models import Attack, AttackMunition


def _refresh_figures(*attacks) -> None:
    from casualties.services import figures_refresh

    for attack in attacks:
        if attack is not None and Attack.objects.filter(pk=attack.pk).exists():
            figures_refresh(attack=attack)


def _lock_attacks(*attacks) -> list[Attack]:
    """Lock the attack rows, lowest pk first, before any claim is touched; returns them as locked.

    The claims services lock the attack row first too; taking the same locks in the same order
    is what keeps a move, merge or split and a concurrent claim_record from deadlocking."""
    pks = sorted({a.pk for a in attacks if a is not None})
    return list(Attack.objects.select_for_update().filter(pk__in=pks).order_by("pk"))


def _editors_only_if_published(locked: list[Attack], by, what: str) -> None:
    """Merging or splitting a published attack changes the public record at once (its figures,
    its sources, or its page): only editors (and the system) do it. There is no proposal of a
    merge or split for an editor to apply, so an analyst's is refused, with nothing written."""
    from strikes.services import editor_applies

    published = [a.pk for a in locked if not editor_applies(a, by)]
    if published:
        names = ", ".join(str(pk) for pk in published)
        raise ValidationError(
            f"Attack {names} is published: only an editor may {what} it, since that changes the public record."
        )


def article_move(*, article: Article, attack: Attack, by) -> Article:
    """Move an article, with its claims, to another attack."""
    old = article.attack
    if old is not None and old.pk == attack.pk:
        return article
    with transaction.atomic(), history_context(by, "article_move"):
        _lock_attacks(old, attack)
        if old is not None:
            for claim in Claim.objects.filter(article=article, attack=old):
                claim.attack = attack
                claim.save(update_fields=["attack", "updated_at"])
        explanation = f"moved by {by.get_username() if by else 'the system'}"
        article_link_set(article=article, attack=attack, explanation=explanation)
        attach_munitions(attack, article.report or {})
        _refresh_figures(old, attack)
    search_refresh([attack.pk, old.pk if old else None])
    return article


def attack_merge(*, source: Attack, target: Attack, by) -> Attack:
    """Merge ``source`` into ``target``: its articles, claims, munitions and decisions move; source is deleted."""
    if source.pk == target.pk:
        return target
    with transaction.atomic(), history_context(by, "attack_merge", merged=source.pk):
        # Both rows (``.first()`` here used to lock only the lower one).
        _editors_only_if_published(_lock_attacks(source, target), by, "merge")
        for claim in Claim.objects.filter(attack=source):
            claim.attack = target
            claim.save(update_fields=["attack", "updated_at"])
        articles_link_move(from_attack=source, to_attack=target, explanation=f"merged from attack {source.pk}")
        for am in AttackMunition.objects.filter(attack=source):
            mine, created = AttackMunition.objects.get_or_create(
                attack=target, munition=am.munition, defaults={"count": am.count, "quote": am.quote}
            )
            if not created and mine.count is None and am.count is not None:
                mine.count = am.count
                mine.save(update_fields=["count"])
        # Decisions move where the target has none for that figure; the target's decision stands
        # otherwise, and the source's versions stay in the history when the source is deleted.
        taken = set(Decision.objects.filter(attack=target).values_list("category", flat=True))
        for decision in Decision.objects.filter(attack=source).exclude(category__in=taken):
            decision.attack = target
            decision.save(update_fields=["attack", "updated_at"])
        if target.wave_id is None and source.wave_id is not None:
            target.wave_id = source.wave_id
            target.save(update_fields=["wave", "updated_at"])
        source.delete()
        _refresh_figures(target)
    search_refresh([target.pk])
    return target


def attack_split(*, attack: Attack, article_ids, by) -> Attack:
    """Move the given articles (and their claims) from ``attack`` to a new draft attack at the same place and time."""
    from strikes.services import attack_create

    ids = list(Article.objects.filter(attack=attack, pk__in=list(article_ids)).values_list("pk", flat=True))
    if not ids:
        raise ValueError("None of these articles belong to this attack.")
    with (
        transaction.atomic(),
        history_context(by, "attack_split", split_from=attack.pk),
    ):
        _editors_only_if_published(_lock_attacks(attack), by, "split")
        new = attack_create(
            by=by,
            place=attack.place,
            latitude=attack.latitude,
            longitude=attack.longitude,
            geo_precision=attack.geo_precision,
            occurred_at=attack.occurred_at,
            time_precision=attack.time_precision,
            target_type=attack.target_type,
            description=f"Split from attack {attack.pk}. {attack.description}"[:2000],
        )
        for claim in Claim.objects.filter(attack=attack, article_id__in=ids):
            claim.attack = new
            claim.save(update_fields=["attack", "updated_at"])
        articles_link_move(article_ids=ids, to_attack=new, explanation=f"split from attack {attack.pk}")
        for article in Article.objects.filter(pk__in=ids):
            attach_munitions(new, article.report or {})
        _refresh_figures(attack, new)
    search_refresh([attack.pk, new.pk])
    return new


def article_confirm(*, article: Article, by) -> Article:
    """An analyst confirms the pipeline's proposal for this article (publishes nothing)."""
    with transaction.atomic(), history_context(by, "article_confirm"):
        article_review_set(article=article, state=ReviewState.CONFIRMED)
    return article


def article_reject(*, article: Article, by, reason: str = "") -> Article:
    """An analyst rejects the proposal: the article's extracted claims are withdrawn (kept, not deleted).

    On a published attack a claim the public figure counts is not withdrawn by an analyst: the
    withdrawal becomes a proposal an editor applies (only editors change the public record).
    """
    from casualties.services import claim_withdraw_or_propose

    reason = reason.strip() or "article rejected in review"
    with transaction.atomic(), history_context(by, "article_reject"):
        article_review_set(article=article, state=ReviewState.REJECTED)
        for claim in Claim.objects.filter(article=article, origin="extracted", withdrawn_at__isnull=True):
            claim_withdraw_or_propose(claim=claim, by=by, reason=reason)
        # A rejected article is no longer among the attack's sources once its claims are
        # withdrawn; on a published attack an analyst's withdrawals wait for an editor, and so
        # does the grade (grade_sources counts an article while a claim of it stands).
        if article.attack_id is not None:
            grade_refresh(attack=article.attack_id)
    return article
