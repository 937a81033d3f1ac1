"""The one definition of which status may follow which.

The forward path is ``new → assigned → contacted → meeting → proposal → won``; a lead may
skip ahead along it, step back one stage, be lost or disqualified from any open status
(with a reason), and be reopened from a closed status (with a reason). ``merged`` is
final: only ``lead_merge`` sets it, and nothing follows it.
"""

from leads.choices import CLOSED_STATUSES, OPEN_STATUSES, Status

FORWARD_PATH = [
    Status.NEW,
    Status.ASSIGNED,
    Status.CONTACTED,
    Status.MEETING,
    Status.PROPOSAL,
    Status.WON,
]


def forward_stage(status: str) -> int | None:
    """The status's position along the forward path (new is 0, won 5); None for lost and
    disqualified."""
    try:
        return FORWARD_PATH.index(Status(status))
    except ValueError:
        return None


def _open_transitions(status: Status) -> frozenset[Status]:
    position = FORWARD_PATH.index(status)
    ahead = set(FORWARD_PATH[position + 1 :])
    back = {FORWARD_PATH[position - 1]} if position > 1 else set()
    return frozenset(ahead | back | {Status.LOST, Status.DISQUALIFIED})


TRANSITIONS: dict[Status, frozenset[Status]] = {
    **{status: _open_transitions(status) for status in OPEN_STATUSES},
    # Reopening: back to an open stage after assignment, always with a reason.
    **{
        status: frozenset(OPEN_STATUSES - {Status.NEW})
        for status in CLOSED_STATUSES - {Status.MERGED}
    },
    Status.MERGED: frozenset(),
}


def allowed_transitions(status: str) -> frozenset[Status]:
    return TRANSITIONS.get(Status(status), frozenset())


def transition_needs_reason(old: str, new: str) -> bool:
    """Losing, disqualifying and reopening all need a reason."""
    from leads.choices import STATUSES_NEEDING_REASON

    return new in STATUSES_NEEDING_REASON or old in CLOSED_STATUSES
