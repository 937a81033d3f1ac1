"""The Redis transport publishes through one client per channel (leadtrack/broker.py),
and Celery uses it whenever the broker is Redis."""

import uuid

from kombu import Connection, Queue

from leadtrack.broker import RedisTransport
from tests.e2e import services


def test_celery_publishes_through_leadtracks_redis_transport():
    from leadtrack.celery import app

    assert app.conf.broker_transport == "leadtrack.broker:RedisTransport"
    with app.connection_for_write() as connection:
        assert connection.transport_cls == "leadtrack.broker:RedisTransport"
        assert isinstance(connection.transport, RedisTransport)


def test_one_client_serves_every_publish_and_the_messages_arrive():
    queue = Queue(f"leadtrack-broker-test-{uuid.uuid4().hex[:8]}")
    with Connection(services.REDIS_URL, transport=RedisTransport) as connection:
        channel = connection.default_channel
        with channel.conn_or_acquire() as first, channel.conn_or_acquire() as second:
            assert first is second
        producer = connection.Producer(channel)
        for number in range(3):
            producer.publish({"number": number}, routing_key=queue.name, declare=[queue])
        received = []
        with connection.SimpleQueue(queue) as simple:
            for _ in range(3):
                message = simple.get(timeout=5)
                received.append(message.payload["number"])
                message.ack()
        queue(channel).delete()
    assert received == [0, 1, 2]
