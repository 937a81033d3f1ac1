"""kombu's Redis transport, publishing through one Redis client per channel.

kombu's Redis channel makes a new ``redis.Redis`` client for every message it publishes
(``Channel.conn_or_acquire``); the connection comes from a pool, but building the client
(its table of about 170 response callbacks) costs some 2.8 million CPU instructions per
publish, as much as the rest of an inbound webhook. A ``redis.Redis`` client is safe to
share between threads (each command takes its own connection from the pool), so this
channel keeps one and hands it out instead. Nothing else of kombu's is changed; the
settings select it with ``CELERY_BROKER_TRANSPORT`` when the broker is Redis.
"""

from contextlib import contextmanager

from kombu.transport import redis as kombu_redis
from kombu.utils.objects import cached_property


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
