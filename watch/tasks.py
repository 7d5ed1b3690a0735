"""Celery tasks of saved searches: a periodic check, and one task per delivery."""

from celery import shared_task

from watch import services


@shared_task
def watch_tick() -> dict:
    """Every minute (beat): check every saved search, then send what is due (including retries
    and deliveries whose task message was lost)."""
    counts = services.searches_check()
    due = services.deliveries_due()
    for pk in due:
        delivery_send.delay(pk)
    return {**counts, "due": len(due)}


@shared_task
def delivery_send(delivery_id: int) -> str:
    """Try one delivery once; failures are rescheduled in the database, not by Celery's retry,
    so a lost message or a restarted worker loses nothing (``watch_tick`` resends what is due)."""
    return services.delivery_send(delivery_id)
