"""Every task's plain ``delay()`` is published with what Celery would look up for each
message looked up once (``leadtrack.broker.PublishingTask``): the message is the one
Celery's own path sends, the queue is declared once per connection, and anything else
(options, eager mode, a publish from a running task, a failure) takes Celery's path."""

import logging
from unittest import mock

import pytest
from celery import Celery, Task
from kombu import Queue

from leadtrack.broker import PublishingTask


@pytest.fixture
def app():
    """A Celery app of its own on kombu's in-memory broker, not eager."""
    app = Celery("publishing-test", broker="memory://", task_cls=PublishingTask)
    app.conf.task_always_eager = False
    app.conf.broker_connection_retry_on_startup = False

    @app.task(
        name="tests.publishing.echo",
        time_limit=30,
        soft_time_limit=20,
        acks_late=True,
        shared=False,
    )
    def echo(*, item_id: int) -> int:
        return item_id

    yield app
    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")


def received(app) -> list:
    """The messages waiting on the default queue, oldest first (taken off it)."""
    messages = []
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        while (message := channel.basic_get("celery", no_ack=True)) is not None:
            messages.append(message)
    return messages


def comparable(message) -> dict:
    """The message without what differs from one message to the next."""
    headers = dict(message.headers)
    task_id = headers.pop("id")
    assert headers.pop("root_id") == task_id
    properties = dict(message.properties)
    assert properties.pop("correlation_id") == task_id
    properties.pop("delivery_tag")
    properties.pop("delivery_info")
    return {
        "headers": headers,
        "properties": properties,
        "body": message.decode(),
        "content_type": message.content_type,
    }


def test_a_plain_delay_sends_the_message_celerys_own_path_sends(app):
    echo = app.tasks["tests.publishing.echo"]
    with mock.patch.object(Task, "apply_async", wraps=echo.apply_async) as celery_path:
        short = echo.delay(item_id=7)
        assert not celery_path.called  # PublishingTask's own path, not Celery's
    own = Task.apply_async(echo, kwargs={"item_id": 7})  # Celery's path, unchanged

    first, second = received(app)
    assert first.headers["id"] == short.id and second.headers["id"] == own.id
    assert comparable(first) == comparable(second)
    assert first.headers["kwargsrepr"] == "{'item_id': 7}"
    assert first.headers["timelimit"] == [30, 20]
    assert first.delivery_info["routing_key"] == "celery"


def test_the_queue_is_declared_once_per_connection(app):
    echo = app.tasks["tests.publishing.echo"]
    with mock.patch.object(Queue, "declare", autospec=True, side_effect=Queue.declare) as declare:
        for item_id in range(3):
            echo.delay(item_id=item_id)
    assert declare.call_count <= 1
    assert [message.decode()[1] for message in received(app)] == [
        {"item_id": 0},
        {"item_id": 1},
        {"item_id": 2},
    ]


def test_arguments_the_task_does_not_take_are_refused_before_anything_is_sent(app):
    echo = app.tasks["tests.publishing.echo"]
    with pytest.raises(TypeError):
        echo.delay(unknown=1)
    assert received(app) == []


def test_a_message_the_short_path_cannot_send_goes_through_celerys_path(app, caplog):
    echo = app.tasks["tests.publishing.echo"]
    with (
        mock.patch.object(PublishingTask, "_publish", side_effect=OSError("connection reset")),
        caplog.at_level(logging.WARNING, logger="leadtrack.broker"),
    ):
        result = echo.delay(item_id=9)

    (message,) = received(app)
    assert message.headers["id"] == result.id and message.decode()[1] == {"item_id": 9}
    assert "through Celery's own path" in caplog.text


@pytest.mark.parametrize(
    "options",
    [{"countdown": 60}, {"queue": "celery", "priority": 3}, {"task_id": "chosen-id"}],
    ids=["countdown", "queue", "task-id"],
)
def test_a_publish_with_options_takes_celerys_path(app, options):
    echo = app.tasks["tests.publishing.echo"]
    with mock.patch.object(PublishingTask, "_publish") as short_path:
        echo.apply_async(kwargs={"item_id": 1}, **options)
    assert not short_path.called
    (message,) = received(app)
    if "countdown" in options:
        assert message.headers["eta"] is not None
    if "task_id" in options:
        assert message.headers["id"] == "chosen-id"


def test_eager_mode_and_a_running_task_take_celerys_path(app):
    echo = app.tasks["tests.publishing.echo"]
    app.conf.task_always_eager = True
    assert echo.delay(item_id=4).get() == 4

    app.conf.task_always_eager = False
    running = mock.PropertyMock(return_value=mock.Mock(request=mock.Mock(root_id="r", id="p")))
    with (
        mock.patch.object(type(app), "current_worker_task", running),
        mock.patch.object(PublishingTask, "_publish") as short_path,
    ):
        echo.delay(item_id=5)
    assert not short_path.called
    (message,) = received(app)
    assert (message.headers["root_id"], message.headers["parent_id"]) == ("r", "p")
