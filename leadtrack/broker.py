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
"""

import contextlib
import logging
import os
import uuid
from contextlib import contextmanager
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.transport import redis as kombu_redis
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps
from kombu.utils.objects import cached_property

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
