"""The brokers' transports, each kombu's own with one fault mended.

The single-machine broker: kombu's filesystem transport, made safe for three processes.

kombu's filesystem transport creates a message file and then writes into it, so a worker
polling the folder can pick up a file that is still empty; the JSON decode then raises
inside the worker's consumer and the worker dies (seen with beat publishing while the
worker polled). This transport writes each message under a name the reader never takes,
then renames it into place (a rename is atomic on one filesystem), and its reader skips,
with a warning naming the file, anything it cannot read as a message (empty, truncated,
garbage). A message that cannot be read cannot be run either; the lead it was for is
picked up by beat's safety net (``leads.tasks.pipeline_resume_stalled`` and
``inbound_reprocess_pending``), so nothing is lost with it.

Redis: kombu's Redis transport, publishing through one Redis client per channel (see
``RedisChannel``).

The settings select these with ``CELERY_BROKER_TRANSPORT`` for ``filesystem://`` and
``redis://`` broker URLs; other brokers are kombu's as they are.

Publishing: ``PublishingTask``, every task's base class, sends a plain ``delay()`` with
what Celery would look up for each message looked up once (see its section below).
"""

import contextlib
import logging
import os
import uuid
from contextlib import contextmanager
from time import monotonic

from celery import Task, signals
from celery.utils.saferepr import saferepr
from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.transport import redis as kombu_redis
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps
from kombu.utils.objects import cached_property
from kombu.utils.uuid import uuid as task_uuid

logger = logging.getLogger(__name__)

# A file being written is named ".incoming-<uuid>": the reader only takes names ending
# in ".<queue>.msg", so it never sees a half-written message.
INCOMING_PREFIX = ".incoming-"


class FilesystemChannel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Write the message to a private name, then rename it into the queue."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        incoming = os.path.join(self.data_folder_out, f"{INCOMING_PREFIX}{uuid.uuid4()}")
        try:
            with open(incoming, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(incoming, final)
        except OSError as exc:
            with contextlib.suppress(FileNotFoundError):  # it may never have been made
                os.unlink(incoming)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc

    def _get(self, queue):
        """The next readable message on the queue; unreadable files are skipped, logged."""
        while True:
            try:
                payload = super()._get(queue)
            except ValueError as exc:  # JSON that does not decode: empty, cut short, garbage
                logger.warning(
                    "Skipped an unreadable message file in the broker queue %r (%s); the "
                    "safety net re-runs whatever it was for.",
                    queue,
                    exc,
                )
                continue
            if isinstance(payload, dict):
                return payload
            logger.warning(
                "Skipped a message file in the broker queue %r that is not a message "
                "(it decoded to %s).",
                queue,
                type(payload).__name__,
            )

    def get_table(self, exchange):
        """The exchange's bindings; an exchange file caught mid-write reads as none yet."""
        try:
            return super().get_table(exchange)
        except (ValueError, TypeError) as exc:
            logger.warning("Could not read the broker's exchange file for %r (%s).", exchange, exc)
            return []


class FilesystemTransport(filesystem.Transport):
    Channel = FilesystemChannel


# ---------------------------------------------------------------------------
# Redis: one client per channel for publishing
# ---------------------------------------------------------------------------
#
# kombu's Redis channel makes a new ``redis.Redis`` client for every message it publishes
# (``Channel.conn_or_acquire``); the connection comes from a pool, but building the client
# (its table of about 170 response callbacks) costs some 2.8 million CPU instructions per
# publish, as much as the rest of an inbound webhook. A ``redis.Redis`` client is safe to
# share between threads (each command takes its own connection from the pool), so this
# channel keeps one and hands it out instead. Nothing else of kombu's is changed.


class RedisChannel(kombu_redis.Channel):
    @cached_property
    def shared_client(self):
        """The one synchronous client this channel publishes with."""
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client=None):
        yield client or self.shared_client


class RedisTransport(kombu_redis.Transport):
    Channel = RedisChannel


# ---------------------------------------------------------------------------
# Publishing: a task message built and sent with what was looked up once
# ---------------------------------------------------------------------------
#
# Celery's ``apply_async`` works out, for every message, what never changes for a task
# in a running process: the task's options and route, a dozen settings read through
# Django's settings, the queue's declaration (kombu's ``maybe_declare`` binds a copy of
# the queue to check a cache) and a retry wrapper around the publish. For the inbound
# webhook that was about a third of its CPU (docs/performance.md). ``PublishingTask``
# (every task's base, ``task_cls`` in ``leadtrack/celery.py``) looks those up once per
# task and process, and sends each plain ``delay(**kwargs)`` through Celery's own message
# builder (``as_task_v2``) and sender (``send_task_message``) on a producer from Celery's
# pool, the queue declared once per broker connection. Anything else takes Celery's
# path unchanged: options given, eager mode, a task published from a running task (whose
# parent and root it records), routes or publish signals configured. So does a message
# the short path fails to send: Celery's path then tries again under its retry policy
# and raises what it raises (a second copy of the message is harmless: every task here
# is idempotent).


# What ids and counts (the usual task arguments) look like: repr() gives what Celery's
# saferepr would, at a tenth of its cost.
_PLAIN = (int, type(None))


def _repr(value: tuple | dict, maxsize: int, maxlevels: int) -> str:
    """The message's argsrepr or kwargsrepr, as Celery's saferepr writes it."""
    items = value.values() if isinstance(value, dict) else value
    if all(type(item) in _PLAIN for item in items):
        text = repr(value)
        if len(text) <= maxsize:
            return text
    return saferepr(value, maxsize, maxlevels=maxlevels)


class _Route:
    """What Celery would publish a task's plain message with, worked out once."""

    def __init__(self, task) -> None:
        app = task.app
        options = app.amqp.router.route(dict(task._get_exec_options()), task.name, (), {}, task)
        self.time_limit = options.pop("time_limit", None)
        self.soft_time_limit = options.pop("soft_time_limit", None)
        options.pop("expires", None)  # none given: a plain message does not expire
        ignore_result = options.pop("ignore_result", None)
        self.ignore_result = task.ignore_result if ignore_result is None else ignore_result
        self.queue = options.get("queue")
        self.options = options
        self.maxlevels = app.conf.task_repr_maxlevels


class PublishingTask(Task):
    """Celery's Task, with a plain ``delay``/``apply_async`` published by ``_Route``."""

    _route: _Route | None = None

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None,
                    link_error=None, shadow=None, **options):  # fmt: skip
        if (
            task_id is not None
            or producer is not None
            or link is not None
            or link_error is not None
            or shadow is not None
            or options
            or not self._short_path_applies()
        ):
            return super().apply_async(
                args, kwargs, task_id=task_id, producer=producer, link=link,
                link_error=link_error, shadow=shadow, **options,
            )  # fmt: skip
        args, kwargs = tuple(args or ()), dict(kwargs or {})
        if self.typing:
            self.__header__(*args, **kwargs)  # TypeError for arguments the task does not take
        try:
            return self._publish(args, kwargs)
        except Exception:
            logger.warning(
                "Publishing %s the short way failed; publishing through Celery's own path.",
                self.name,
                exc_info=True,
            )
            return super().apply_async(args, kwargs)

    def _short_path_applies(self) -> bool:
        app = self.app
        return not (
            app.conf.task_always_eager
            or app.current_worker_task is not None
            or app.amqp.router.routes
            or signals.before_task_publish.receivers
            or signals.after_task_publish.receivers
        )

    def _publish(self, args: tuple, kwargs: dict):
        route = self._route
        if route is None:
            route = self._route = _Route(self)
        app = self.app
        amqp = app.amqp
        task_id = task_uuid()
        message = amqp.as_task_v2(
            task_id, self.name, args, kwargs,
            reply_to=app.thread_oid,
            time_limit=route.time_limit, soft_time_limit=route.soft_time_limit,
            ignore_result=route.ignore_result,
            argsrepr=_repr(args, amqp.argsrepr_maxsize, route.maxlevels),
            kwargsrepr=_repr(kwargs, amqp.kwargsrepr_maxsize, route.maxlevels),
        )  # fmt: skip
        with app.producer_or_acquire() as producer:
            declared = producer.connection.declared_entities
            queue = route.queue
            # None: Celery declares the queue (kombu caches that on the connection).
            declare = [] if queue is not None and hash(queue) in declared else None
            amqp.send_task_message(
                producer, self.name, message, retry=False, declare=declare, **route.options
            )
        result = self.AsyncResult(task_id)
        result.ignored = route.ignore_result
        return result
