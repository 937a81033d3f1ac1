"""The pipeline board: the open leads a reader may see as cards in one column per status,
filtered by owner, tier and practice area, with the closed statuses as places to drop a
card. Moving a card is a status change through ``leads.services.lead_change_status``, so
the transitions and the firm's checks (closure reasons, the conflict decision, due
diligence) apply as on every other surface.

A fixed number of queries whatever the size of the firm: one count per status (grouped)
and one short, indexed query per column for its newest cards (``lead_status_arrived_idx``).
The closed statuses are drop targets without counts (counting them reads most of the
table); the firm's closure reasons are one list on the page that every card's reason box
offers.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from followups.services import closure_reasons_for
from leads.choices import OPEN_STATUSES, STATUSES_NEEDING_REASON, Status, Tier
from leads.models import Lead
from leads.statuses import FORWARD_PATH, allowed_transitions
from leadtrack.access import visible_leads
from qualification.models import PracticeArea
from routing.selectors import members_for_choice

CARDS_PER_COLUMN = 20
OPEN_COLUMNS = [status for status in FORWARD_PATH if status in OPEN_STATUSES]
CLOSED_COLUMNS = [Status.WON, Status.LOST, Status.DISQUALIFIED]
# The wide columns a card never shows (the message, the qualification's evidence), left
# out of the cards' rows.
CARD_DEFERRED = [
    "message",
    "consent_text",
    "utm",
    "qualification__requirement_evidence",
    "qualification__urgency_evidence",
    "qualification__decision_evidence",
    "qualification__flags",
    "qualification__basis",
    "qualification__details",
    "qualification__summary",
    "qualification__practice_area__keywords",
]


class BoardFilterForm(forms.Form):
    """The board's filters (all optional), read from the query string."""

    owner = forms.TypedChoiceField(label="Owner", required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label="Tier", required=False)
    area = forms.TypedChoiceField(
        label="Practice area", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, members, areas, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "Everyone"), ("0", "Nobody (unowned)")] + [
            (member.user_id, member.user.get_full_name() or member.user.get_username())
            for member in members
        ]
        self.fields["tier"].choices = [("", "Any tier"), *Tier.choices, ("none", "Not qualified")]
        self.fields["area"].choices = [("", "Any practice area")] + [
            (area.pk, area.name) for area in areas
        ]


@dataclass
class Column:
    status: Status
    count: int = 0
    value: Decimal = Decimal(0)
    cards: list[Lead] = field(default_factory=list)
    closed: bool = False
    moves: list[tuple[str, str]] = field(default_factory=list)

    @property
    def needs_reason(self) -> bool:
        return self.status in STATUSES_NEEDING_REASON

    @property
    def hidden(self) -> int:
        return max(self.count - len(self.cards), 0)


@dataclass
class Board:
    form: BoardFilterForm
    columns: list[Column]
    closed: list[Column]
    reasons: dict[str, list[str]]
    query: str
    now: dt.datetime
    cards_per_column: int = CARDS_PER_COLUMN

    @property
    def has_reasons(self) -> bool:
        """Whether the firm keeps a list of closure reasons (else a reason is typed)."""
        return any(self.reasons.values())


def board_filter(leads: QuerySet[Lead], data: dict[str, Any]) -> QuerySet[Lead]:
    """The leads the board's cleaned filters keep."""
    owner, tier, area = data.get("owner"), data.get("tier"), data.get("area")
    if owner == 0:
        leads = leads.filter(owner__isnull=True)
    elif owner:
        leads = leads.filter(owner_id=owner)
    if tier == "none":
        leads = leads.filter(tier__isnull=True)
    elif tier:
        leads = leads.filter(tier=tier)
    if area:
        leads = leads.filter(qualification__practice_area_id=area)
    return leads


def board_build(*, user, params, now: dt.datetime | None = None) -> Board:
    """The board for this reader with the filters in ``params`` (a QueryDict)."""
    now = now or timezone.now()
    form = BoardFilterForm(
        params,
        members=list(members_for_choice().order_by("user__first_name", "user__last_name")),
        areas=list(PracticeArea.objects.order_by("name")),
    )
    data = form.cleaned_data if form.is_valid() else {}
    leads = board_filter(visible_leads(user).order_by(), data)

    columns = {
        status: Column(
            status=status,
            moves=[(s.value, s.label) for s in Status if s in allowed_transitions(status)],
        )
        for status in OPEN_COLUMNS
    }
    for row in (
        leads.filter(status__in=OPEN_COLUMNS)
        .values("status")
        .annotate(count=Count("pk"), value=Sum("estimated_value"))
    ):
        columns[row["status"]].count = row["count"]
        columns[row["status"]].value = row["value"] or Decimal(0)
    for status, column in columns.items():
        column.cards = list(
            leads.filter(status=status)
            .select_related("contact", "owner", "qualification__practice_area")
            .defer(*CARD_DEFERRED)
            .order_by("-arrived_at", "-pk")[:CARDS_PER_COLUMN]
        )

    # Drop targets only: counting closed leads would read most of the table.
    closed = [Column(status=status, closed=True) for status in CLOSED_COLUMNS]

    kept = {key: value for key, value in params.items() if key in form.fields and value}
    return Board(
        form=form,
        columns=list(columns.values()),
        closed=closed,
        reasons={status: closure_reasons_for(status=status) for status in STATUSES_NEEDING_REASON},
        query=urlencode(kept),
        now=now,
    )


def board_reason(*, status: str, reason: str, details: str) -> str:
    """The reason to record for a move: the firm's reason chosen, with any details after
    a colon (the form the closure-reason check reads), or the text typed."""
    reason = " ".join((reason or "").split())
    details = " ".join((details or "").split())
    if reason and details:
        return f"{reason}: {details}"
    return reason or details
