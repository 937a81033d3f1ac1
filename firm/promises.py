"""What an acknowledgement may promise: the firm's response promise only while it is still
true. An enquiry that reached the firm more than a working day ago (an import, a delayed
delivery) is not promised "a reply within one working day"; outside working hours the
enquirer is told when the office opens next.

Plain data in, plain data out: the caller passes the calendar and the promise text.
"""

import datetime as dt
from dataclasses import dataclass

from firm.calendar import LONDON, WorkingCalendar


@dataclass(frozen=True)
class ResponsePromise:
    """``promise`` is the text to promise ("within one working day"), empty when it can
    no longer be kept (``late``); ``opens_at`` is the next opening when the office is
    closed as the acknowledgement goes, else None."""

    promise: str
    late: bool
    opens_at: dt.datetime | None

    @property
    def office_closed(self) -> bool:
        return self.opens_at is not None


def response_promise(
    *, calendar: WorkingCalendar, promise: str, arrived_at: dt.datetime, now: dt.datetime
) -> ResponsePromise:
    """The promise an acknowledgement sent ``now`` for an enquiry that arrived at
    ``arrived_at`` can truthfully make."""
    late = calendar.add_working_days(arrived_at, 1) < now
    opens_at = None if calendar.is_open(now) else calendar.next_opening(now).astimezone(LONDON)
    return ResponsePromise(promise="" if late else promise, late=late, opens_at=opens_at)
