"""What a long-running process does once as it starts, before its first request or task:
load the active qualification version's classifiers and read one enquiry with them, so
the first lead after a deploy or a worker restart costs what every other one does rather
than the classifiers' load. Called by the WSGI module and by each Celery worker process
(``worker_process_init``); ``manage.py`` commands and the test suite never call it, so
they do not pay for what they may not use.

Once warm, everything loaded so far (Django, the libraries, the classifiers: about
225,000 objects that live as long as the process) is moved out of the garbage
collector's reach with ``gc.freeze()``. Without it, each full collection walked all of
them, about 70 to 170 ms on these machines with the interpreter's lock held, and every
request or task running at that moment waited: the slow tail of the webhook's answers
and of capture to brief."""

import gc
import logging
import time

from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)


def process_warm(process: str) -> None:
    """Warm what a process's first enquiry would otherwise pay for; never fails the start
    (a database not migrated yet is logged, and the first enquiry loads instead)."""
    from qualification.selectors import active_reader_warm

    started = time.process_time()
    try:
        warmed = active_reader_warm()
    except DatabaseError as exc:
        logger.warning("%s start: qualification not warmed (%s)", process, exc)
        warmed = ""
    finally:
        # The request or task threads open their own connections; this one is done.
        connections.close_all()
        frozen = process_objects_freeze()
    if warmed:
        logger.info(
            "%s start: %s in %.2f s of CPU; %d long-lived objects frozen",
            process,
            warmed,
            time.process_time() - started,
            frozen,
        )


def process_objects_freeze() -> int:
    """Collect once, then move every object that exists now into the permanent
    generation (``gc.freeze``), so later full collections only walk what requests and
    tasks create; returns how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
