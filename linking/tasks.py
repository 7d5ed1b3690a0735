"""Celery tasks of the linking app: a thin wrapper taking an article id and calling one service.

``article_extract`` is sent by name when ``sources`` stores an original text
(``sources.services.common.send_extract``) and routed to the ``extract`` queue
(config/settings.py). It claims its row with a conditional UPDATE, so a re-delivered or
duplicated message changes nothing.
"""

import logging

from celery import shared_task, signals
from django.db import InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)


# A transient database fault (dropped connection, server restart) hands the row back and is
# retried with backoff; any other error is recorded on the article as failed.
@shared_task(
    bind=True,
    name="linking.tasks.article_extract",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def article_extract(self, article_id: int) -> None:
    """Run extraction and linking on a stored article (nothing when INGEST_RUN_EXTRACTION is off)."""
    from sources.services import extraction_available
    from sources.services.linking_state import ExtractionLost, article_extraction_done, extraction_takeover
    from sources.tasks import redelivered

    if not extraction_available():
        logger.info("Extraction is switched off; article %s stays fetched.", article_id)
        return
    from linking.services import article_process

    # A message back from a lost worker takes the row over at once (sources.tasks.redelivered).
    reset = extraction_takeover.set(redelivered(self.request))
    try:
        article_process(article_id=article_id)
    except ExtractionLost:
        # Another worker took the row over (this one was presumed dead); its result stands.
        logger.warning("Extraction of article %s was taken over; this run's result was dropped.", article_id)
    finally:
        extraction_takeover.reset(reset)
        article_extraction_done(article_id=article_id)


@signals.worker_init.connect
def gazetteer_warm_up(**kwargs) -> None:
    """Build the gazetteer from the Place and Munition tables (~0.4 s) before the first task.

    Runs in the worker's main process before its pool starts, so prefork children inherit it;
    the database connection used is closed so that no child shares it. A failure (no database
    yet) only means the first article pays instead.
    """
    from sources.services import extraction_available

    if not extraction_available():
        return
    try:
        from linking.services import db_gazetteer

        db_gazetteer()
    except Exception:  # a worker must start even when, say, the database is not migrated yet
        logger.warning("Gazetteer warm-up failed; the first article will pay for it.", exc_info=True)
    finally:
        connections.close_all()
