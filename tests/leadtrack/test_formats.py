"""Times read the UK way: day first, 24-hour clock, in Europe/London."""

from datetime import UTC, datetime

from django.template import Context, Template
from django.utils import timezone


def test_datetimes_render_day_first_on_the_24_hour_clock_in_london():
    summer = datetime(2026, 7, 3, 15, 5, tzinfo=UTC)  # 16:05 BST
    rendered = Template("{{ value }}").render(Context({"value": summer}))
    assert rendered == "3 Jul 2026, 16:05"
    assert timezone.get_current_timezone_name() == "Europe/London"
