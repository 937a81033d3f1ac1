"""The firm's closure reasons: when the firm keeps a list for losing or disqualifying a
lead, the reason given must be one of them (optionally followed by ": details"), so
reports can group lost leads by reason. Without a list any reason is accepted."""

from django.core.exceptions import ValidationError

from followups.models import ClosureReason
from leads.choices import Status


def _offered(status: str):
    """The active reasons offered for a status, in the firm's order (none for statuses
    that need no reason)."""
    if status == Status.LOST:
        return ClosureReason.objects.filter(is_active=True, for_lost=True)
    if status == Status.DISQUALIFIED:
        return ClosureReason.objects.filter(is_active=True, for_disqualified=True)
    return ClosureReason.objects.none()


def closure_reasons_for(*, status: str) -> list[str]:
    """The active reasons offered for a status (empty for statuses that need none)."""
    return list(_offered(status).values_list("text", flat=True))


def closure_reasons_by_status() -> dict[str, list[str]]:
    """The active reasons offered for losing and for disqualifying a lead (one query), in
    the firm's order: ``{"lost": [...], "disqualified": [...]}``."""
    offered: dict[str, list[str]] = {Status.LOST: [], Status.DISQUALIFIED: []}
    for text, lost, disqualified in ClosureReason.objects.filter(is_active=True).values_list(
        "text", "for_lost", "for_disqualified"
    ):
        if lost:
            offered[Status.LOST].append(text)
        if disqualified:
            offered[Status.DISQUALIFIED].append(text)
    return offered


def closure_reason_given_by_leadtrack(*, status: str) -> str:
    """The firm's reason recorded when Leadtrack itself closes a lead with this status:
    the active reason marked for it, else the first active one offered; "" with no list."""
    chosen = _offered(status).order_by("-given_by_leadtrack", "position", "text").first()
    return chosen.text if chosen else ""


def closure_reason_validate(*, status: str, reason: str, by_leadtrack: bool = False) -> str:
    """Return the reason in the list's own words, or raise a ValidationError listing them.
    A closure by Leadtrack itself (no person acting) whose reason is not one of the firm's
    is recorded under the firm's reason for such closures, its own reason as the details:
    the system must not be refused what it cannot choose."""
    allowed = closure_reasons_for(status=status)
    reason = " ".join((reason or "").split())
    if not allowed or not reason:
        return reason
    head, _, detail = reason.partition(":")
    for text in allowed:
        if head.strip().lower() == text.lower():
            return f"{text}: {detail.strip()}" if detail.strip() else text
    if by_leadtrack:
        return f"{closure_reason_given_by_leadtrack(status=status)}: {reason}"
    raise ValidationError(
        {
            "reason": f"Choose one of the firm's reasons for {Status(status).label.lower()} "
            f"leads: {'; '.join(allowed)} (add details after a colon)."
        }
    )


def status_change_check(
    *, lead, old_status: str, new_status: str, reason: str, actor, by_leadtrack: bool = False
) -> str:
    """The status service's check (``LEADTRACK_STATUS_CHECKS``): a lost or
    disqualified lead's reason is one of the firm's, in the list's own words; one given by
    Leadtrack itself is recorded under the firm's reason for such closures."""
    return closure_reason_validate(status=new_status, reason=reason, by_leadtrack=by_leadtrack)
