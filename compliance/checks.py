"""The questions the leads app asks before a status change (``LEADTRACK_STATUS_CHECKS``):
each raises ValidationError, with the reason a fee earner can act on, to refuse it, and
otherwise leaves the change's reason as it is (returns None)."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError

from compliance import selectors
from leads.choices import Status
from leads.models import Lead

# Work on the matter starts here: the conflict decision must be recorded first.
STATUSES_NEEDING_CONFLICT_DECISION = frozenset({Status.MEETING, Status.PROPOSAL, Status.WON})


def conflict_decided(
    *,
    lead: Lead,
    old_status: str,
    new_status: str,
    reason: str,
    actor: AbstractBaseUser | None,
    by_leadtrack: bool = False,
) -> None:
    """Refuse a meeting, proposal or win until the conflict check's decision is recorded,
    and at all after "conflict, declined"."""
    if new_status not in STATUSES_NEEDING_CONFLICT_DECISION:
        return
    state = selectors.conflict_state(lead=lead)
    label = Status(new_status).label.lower()
    if state.outstanding:
        raise ValidationError(
            {
                "status": (
                    f"{selectors.CONFLICT_OUTSTANDING}: record the conflict decision on the "
                    f"lead page before moving it to {label}."
                )
            }
        )
    if state.declined:
        raise ValidationError(
            {
                "status": (
                    f"The conflict decision was “conflict, declined”, so the lead cannot move "
                    f"to {label}. Record a new decision if that has changed."
                )
            }
        )


def due_diligence_before_won(
    *,
    lead: Lead,
    old_status: str,
    new_status: str,
    reason: str,
    actor: AbstractBaseUser | None,
    by_leadtrack: bool = False,
) -> None:
    """Refuse a win in work the Money Laundering Regulations cover until client due
    diligence is recorded (or a partner has overridden the requirement)."""
    if new_status != Status.WON:
        return
    state = selectors.due_diligence_state(lead=lead)
    if not state.satisfied:
        raise ValidationError(
            {
                "status": (
                    f"{state.area} is work the Money Laundering Regulations 2017 cover: record "
                    "client due diligence (identity, beneficial owners, risk assessment) "
                    "before marking the lead won, or ask a partner to override."
                )
            }
        )
