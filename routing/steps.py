"""Routing's pipeline step: give every new lead an accountable owner and brief them."""

import logging

from leads.choices import CLOSED_STATUSES
from leads.models import Lead
from routing.models import Member
from routing.services import lead_route

logger = logging.getLogger(__name__)


def assign(*, lead: Lead) -> None:
    """Route the lead by the rules in force; a lead already owned, closed (e.g.
    disqualified) or merged into another is left alone, so the step is safe to rerun.

    A firm that has not set up routing at all (no members yet) leaves leads unowned, with
    a warning in the log, instead of failing every pipeline; once members exist but none
    can take the lead, the step fails and the pipeline's retries and safety net keep
    trying until someone can.
    """
    if lead.owner_id is not None or lead.status in CLOSED_STATUSES:  # merged is closed
        return
    if not Member.objects.exists():
        logger.warning(
            "Lead %s not routed: nobody is set up to own leads (add them under Routing → Members).",
            lead,
        )
        return
    # The brief goes out from this worker as soon as the assignment commits: the owner
    # hears within seconds, without waiting for the broker's second delivery.
    lead_route(lead=lead, brief_here=True)
