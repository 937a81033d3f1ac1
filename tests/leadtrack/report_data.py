"""A small, known data set for the report and dashboard tests, with the figures worked
out by hand in the test modules. Times are London times in May 2026 (BST, UTC+1);
Monday 4 May and Monday 25 May 2026 are bank holidays in England.

| lead | channel | arrived (London) | in hours? | first response | status | tier | owner |
|---|---|---|---|---|---|---|---|
| L1 | web form | Tue 5 May 10:00 | working | +1 h | won £10,000 | A | alice |
| L2 | web form | Tue 5 May 20:00 | evening | +13 h | lost | B | alice |
| L3 | email | Mon 25 May 10:00 | bank hol. | +24 h | won £5,000 | A | bob |
| L4 | email | Wed 6 May 14:00 | working | +2 h | contacted | C | bob |
| L5 | referral | Thu 7 May 11:00 | working | none | new | B | — |
| L6 | phone | Sat 9 May 10:00 | weekend | +30 min | disqualified | A | alice |

Qualification results: L1, L2 and L4 are Employment, L3 and L6 Commercial, L5 has none.
Model v1 qualified L1, L2, L4 and L6; for L1 it said B and a person raised it to A (L1
was won). Model v2 qualified L3. So v1 has 4 results, 1 overridden (raised), and the
overridden lead won; of v1's kept results, L2 was lost and L6 disqualified.

Every lead is captured a day after it arrived, so a figure measured from record creation
instead of arrival would be visibly wrong.
"""

import datetime as dt
from decimal import Decimal

from followups.models import FollowUp
from leads.choices import ActivityKind, Channel, Status
from leadtrack.reports.hours import LONDON
from qualification.models import PracticeArea, QualificationModel
from routing.models import Member, Team
from tests.factories import ActivityFactory, LeadFactory, QualificationResultFactory, UserFactory


def london(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=LONDON)


HOUR = dt.timedelta(hours=1)


def build() -> dict:
    team = Team.objects.create(name="Employment")
    other_team = Team.objects.create(name="Property")
    alice = UserFactory(username="alice", first_name="Alice", last_name="Able")
    bob = UserFactory(username="bob", first_name="Bob", last_name="Baker")
    Member.objects.create(user=alice, team=team)
    Member.objects.create(user=bob, team=other_team)

    def lead(ref, channel, source, arrived, response, status, tier, owner, value=None):
        closed = (
            arrived + 15 * 24 * HOUR
            if status in (Status.WON, Status.LOST, Status.DISQUALIFIED)
            else None
        )
        return LeadFactory(
            reference=ref,
            channel=channel,
            source=source,
            arrived_at=arrived,
            captured_at=arrived + 24 * HOUR,
            first_response_at=arrived + response if response is not None else None,
            status=status,
            tier=tier,
            qualified_at=arrived + dt.timedelta(minutes=1),
            owner=owner,
            estimated_value=value,
            closed_at=closed,
            utm={"utm_campaign": "spring"} if channel == Channel.WEB_FORM else {},
        )

    leads = {
        "L1": lead(
            "L1",
            Channel.WEB_FORM,
            "Website",
            london(5, 10),
            HOUR,
            Status.WON,
            "A",
            alice,
            Decimal("10000"),
        ),
        "L2": lead(
            "L2", Channel.WEB_FORM, "Website", london(5, 20), 13 * HOUR, Status.LOST, "B", alice
        ),
        "L3": lead(
            "L3",
            Channel.EMAIL,
            "info@",
            london(25, 10),
            24 * HOUR,
            Status.WON,
            "A",
            bob,
            Decimal("5000"),
        ),
        "L4": lead(
            "L4", Channel.EMAIL, "info@", london(6, 14), 2 * HOUR, Status.CONTACTED, "C", bob
        ),
        "L5": lead(
            "L5", Channel.REFERRAL, "Smith & Co", london(7, 11), None, Status.NEW, "B", None
        ),
        "L6": lead(
            "L6",
            Channel.PHONE,
            "Switchboard",
            london(9, 10),
            dt.timedelta(minutes=30),
            Status.DISQUALIFIED,
            "A",
            alice,
        ),
    }

    began = {key: lead.arrived_at for key, lead in leads.items()}

    def change(key, at, old, new):
        # As lead_change_status records it: when the status it ends began.
        ActivityFactory(
            lead=leads[key],
            kind=ActivityKind.STATUS_CHANGED,
            at=at,
            summary=f"{old} to {new}",
            data={"from": old, "to": new, "reason": "", "since": began[key].isoformat()},
        )
        began[key] = at

    # L1: new 1 h, assigned 1 h, contacted until won 15 days after arrival.
    change("L1", london(5, 11), "new", "assigned")
    change("L1", london(5, 12), "assigned", "contacted")
    change("L1", london(20, 10), "contacted", "won")
    # L2: new 3 h, then lost.
    change("L2", london(5, 23), "new", "assigned")
    change("L2", london(20, 20), "assigned", "lost")
    # L3: new 2 h, assigned until won.
    change("L3", london(25, 12), "new", "assigned")
    change("L3", london(25, 12) + 24 * HOUR, "assigned", "meeting")
    change("L3", london(25, 10) + 15 * 24 * HOUR, "meeting", "won")
    # L4: new 5 h, then contacted (skipping assigned).
    change("L4", london(6, 19), "new", "contacted")
    # L6: disqualified straight from new after 30 minutes.
    change("L6", london(9, 10, 30), "new", "disqualified")
    employment = PracticeArea.objects.create(name="Employment", slug="employment")
    commercial = PracticeArea.objects.create(name="Commercial", slug="commercial")
    v1 = QualificationModel.objects.create(version=1, name="Launch")
    v2 = QualificationModel.objects.create(version=2, name="Spring")

    def qualify(key, area, model, tier, override=""):
        QualificationResultFactory(
            lead=leads[key],
            model_version=model,
            practice_area=area,
            tier=tier,
            override_tier=override,
            override_reason="Partner knows the client" if override else "",
        )

    # Follow-ups: alice did L1's on time and L2's late, and L6's is open, overdue and
    # escalated; bob did L3's on time.
    def followup(key, owner, due, completed=None, level=0):
        FollowUp.objects.create(
            lead=leads[key],
            stage="new",
            kind="first_contact",
            owner=owner,
            due_at=due,
            completed_at=completed,
            escalation_level=level,
        )

    followup("L1", alice, london(5, 12), completed=london(5, 11))
    followup("L2", alice, london(6, 10), completed=london(6, 11))
    followup("L6", alice, london(11, 10), level=2)
    followup("L3", bob, london(26, 12), completed=london(26, 10))

    qualify("L1", employment, v1, "B", override="A")
    qualify("L2", employment, v1, "B")
    qualify("L4", employment, v1, "C")
    qualify("L6", commercial, v1, "A")
    qualify("L3", commercial, v2, "A")
    return {
        "leads": leads,
        "alice": alice,
        "bob": bob,
        "team": team,
        "employment": employment,
        "commercial": commercial,
    }
