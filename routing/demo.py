"""The demo firm's people and routing: five teams and a dozen members with supervisors,
working hours, one member on leave with a delegate, and an ordered rule set covering every
practice area (plus one draft rule to try on the test page). Idempotent."""

from datetime import time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from leads.choices import Tier
from qualification.models import PracticeArea
from routing.choices import BriefDelivery, RuleState, Strategy
from routing.models import Member, MemberAbsence, RoutingRule, Seniority, Team

TEAMS = {
    "Property": ["conveyancing"],
    "Private Client": ["wills-probate", "family"],
    "Employment": ["employment", "immigration"],
    "Commercial and Disputes": ["commercial", "disputes", "personal-injury"],
    "Tax and Accounts": ["tax", "audit-accounts", "payroll", "rd-tax-credits"],
}

# username, first, last, team, seniority, capacity, supervisor username, is head of team
MEMBERS = [
    (
        "eleanor.marsh",
        "Eleanor",
        "Marsh",
        "Commercial and Disputes",
        Seniority.PARTNER,
        15,
        None,
        True,
    ),
    ("james.ashdown", "James", "Ashdown", "Private Client", Seniority.PARTNER, 15, None, True),
    ("priya.shah", "Priya", "Shah", "Employment", Seniority.PARTNER, 20, "eleanor.marsh", True),
    ("david.okafor", "David", "Okafor", "Property", Seniority.PARTNER, 20, "james.ashdown", True),
    (
        "fiona.campbell",
        "Fiona",
        "Campbell",
        "Tax and Accounts",
        Seniority.PARTNER,
        20,
        "eleanor.marsh",
        True,
    ),
    (
        "sarah.jones",
        "Sarah",
        "Jones",
        "Employment",
        Seniority.SENIOR_ASSOCIATE,
        25,
        "priya.shah",
        False,
    ),
    ("tom.hughes", "Tom", "Hughes", "Employment", Seniority.ASSOCIATE, 30, "sarah.jones", False),
    ("amira.haddad", "Amira", "Haddad", "Property", Seniority.ASSOCIATE, 35, "david.okafor", False),
    (
        "liam.walsh",
        "Liam",
        "Walsh",
        "Private Client",
        Seniority.SENIOR_ASSOCIATE,
        25,
        "james.ashdown",
        False,
    ),
    (
        "grace.chen",
        "Grace",
        "Chen",
        "Commercial and Disputes",
        Seniority.SENIOR_ASSOCIATE,
        25,
        "eleanor.marsh",
        False,
    ),
    (
        "owen.price",
        "Owen",
        "Price",
        "Tax and Accounts",
        Seniority.ASSOCIATE,
        30,
        "fiona.campbell",
        False,
    ),
    (
        "hannah.reid",
        "Hannah",
        "Reid",
        "Commercial and Disputes",
        Seniority.TRAINEE,
        15,
        "grace.chen",
        False,
    ),
]

# username: (working days, from, until); everyone else works Mon–Fri 09:00–17:30.
HOURS = {
    "eleanor.marsh": ([0, 1, 2, 3, 4], time(8, 0), time(18, 30)),
    "james.ashdown": ([0, 1, 2, 3, 4], time(8, 30), time(18, 0)),
    "priya.shah": ([0, 1, 2, 3, 4], time(8, 30), time(18, 0)),
    "david.okafor": ([0, 1, 2, 3, 4], time(8, 30), time(18, 0)),
    "fiona.campbell": ([0, 1, 2, 3, 4], time(8, 30), time(18, 0)),
    "tom.hughes": ([0, 1, 2, 3], time(9, 0), time(17, 30)),  # four days a week
    "amira.haddad": ([0, 1, 2, 3, 4, 5], time(9, 0), time(17, 0)),  # Saturday viewings
}
DIGEST_MEMBERS = ["liam.walsh", "owen.price"]
ABSENCE_NOTE = "Annual leave (demo)"

# name: practice-area slug, tier, channel, text, value from, target (member username or team
# name), strategy, keep the referrer's owner, state
RULES = [
    (
        "Employment tribunal deadlines",
        "",
        "",
        "",
        r"tribunal|\bET1\b|acas early conciliation",
        None,
        "Employment",
        Strategy.MOST_SENIOR,
        False,
        RuleState.LIVE,
    ),
    (
        "Tier A employment",
        "employment",
        Tier.A,
        "",
        "",
        None,
        "Employment",
        Strategy.MOST_SENIOR,
        True,
        RuleState.LIVE,
    ),
    (
        "Employment",
        "employment",
        "",
        "",
        "",
        None,
        "Employment",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Immigration",
        "immigration",
        "",
        "",
        "",
        None,
        "Employment",
        Strategy.ROUND_ROBIN,
        True,
        RuleState.LIVE,
    ),
    (
        "Conveyancing",
        "conveyancing",
        "",
        "",
        "",
        None,
        "Property",
        Strategy.ROUND_ROBIN,
        True,
        RuleState.LIVE,
    ),
    (
        "Tier A private client",
        "",
        Tier.A,
        "",
        "",
        None,
        "james.ashdown",
        Strategy.LEAST_LOADED,
        True,
        RuleState.DRAFT,
    ),
    (
        "Wills and probate",
        "wills-probate",
        "",
        "",
        "",
        None,
        "Private Client",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Family",
        "family",
        "",
        "",
        "",
        None,
        "Private Client",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Tier A commercial",
        "commercial",
        Tier.A,
        "",
        "",
        None,
        "Commercial and Disputes",
        Strategy.MOST_SENIOR,
        True,
        RuleState.LIVE,
    ),
    (
        "Commercial",
        "commercial",
        "",
        "",
        "",
        None,
        "Commercial and Disputes",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Disputes",
        "disputes",
        "",
        "",
        "",
        None,
        "Commercial and Disputes",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Personal injury",
        "personal-injury",
        "",
        "",
        "",
        None,
        "Commercial and Disputes",
        Strategy.ROUND_ROBIN,
        True,
        RuleState.LIVE,
    ),
    (
        "Large R&D claims",
        "rd-tax-credits",
        "",
        "",
        "",
        Decimal(20000),
        "fiona.campbell",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "R&D tax credits",
        "rd-tax-credits",
        "",
        "",
        "",
        None,
        "Tax and Accounts",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Tax",
        "tax",
        "",
        "",
        "",
        None,
        "Tax and Accounts",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Audit and accounts",
        "audit-accounts",
        "",
        "",
        "",
        None,
        "Tax and Accounts",
        Strategy.LEAST_LOADED,
        True,
        RuleState.LIVE,
    ),
    (
        "Payroll",
        "payroll",
        "",
        "",
        "",
        None,
        "Tax and Accounts",
        Strategy.ROUND_ROBIN,
        True,
        RuleState.LIVE,
    ),
]

PARTNERS_GROUP = "Partners"
FEE_EARNERS_GROUP = "Fee earners"


def load(*, stdout=None) -> None:
    """Create or update the demo teams and members; sign-in password LEADTRACK_DEMO_PASSWORD."""
    User = get_user_model()
    partners, _ = Group.objects.get_or_create(name=PARTNERS_GROUP)
    fee_earners, _ = Group.objects.get_or_create(name=FEE_EARNERS_GROUP)
    areas = {area.slug: area for area in PracticeArea.objects.all()}
    teams = {}
    for name, slugs in TEAMS.items():
        team, _ = Team.objects.get_or_create(name=name)
        team.practice_areas.set([areas[slug] for slug in slugs if slug in areas])
        teams[name] = team

    members = {}
    for username, first, last, team, seniority, capacity, _sup, _head in MEMBERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@ashdownmarsh.example",
                "is_staff": True,
            },
        )
        if created:
            user.set_password(settings.LEADTRACK_DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(partners if seniority == Seniority.PARTNER else fee_earners)
        member, _ = Member.objects.update_or_create(
            user=user,
            defaults={
                "team": teams[team],
                "seniority": seniority,
                "capacity": capacity,
                "is_active": True,
            },
        )
        member.practice_areas.set(teams[team].practice_areas.all())
        members[username] = member

    for username, *_rest, supervisor, is_head in MEMBERS:
        member = members[username]
        wanted = members[supervisor] if supervisor else None
        if member.supervisor_id != (wanted.pk if wanted else None):
            member.supervisor = wanted
            member.save(update_fields=["supervisor"])
        if is_head and member.team.head_id != member.pk:
            member.team.head = member
            member.team.save(update_fields=["head"])
    _hours_load(members)
    _rules_load(areas=areas, teams=teams, members=members)
    if stdout is not None:
        stdout.write(
            f"  teams: {len(TEAMS)}, members: {len(MEMBERS)}, routing rules: {len(RULES)} "
            f"(triage owner: {settings.LEADTRACK_TRIAGE_USERNAME or 'most senior member'})"
        )


def _hours_load(members: dict[str, Member]) -> None:
    """Working hours, digest preferences, and Sarah Jones on leave with Tom as delegate."""
    for username, member in members.items():
        days, start, end = HOURS.get(username, ([0, 1, 2, 3, 4], time(9, 0), time(17, 30)))
        delivery = BriefDelivery.DIGEST_TIER_C if username in DIGEST_MEMBERS else BriefDelivery.EACH
        member.working_days, member.works_from, member.works_until = days, start, end
        member.brief_delivery = delivery
        member.save(update_fields=["working_days", "works_from", "works_until", "brief_delivery"])
    today = timezone.localdate()
    MemberAbsence.objects.update_or_create(
        member=members["sarah.jones"],
        note=ABSENCE_NOTE,
        defaults={
            "starts_on": today - timedelta(days=2),
            "ends_on": today + timedelta(days=3),
            "delegate": members["tom.hughes"],
        },
    )


def _rules_load(*, areas, teams, members) -> None:
    for position, row in enumerate(RULES, start=1):
        name, slug, tier, channel, pattern, value_from, target, strategy, keep, state = row
        RoutingRule.objects.update_or_create(
            name=name,
            defaults={
                "position": position,
                "state": state,
                "practice_area": areas.get(slug) if slug else None,
                "tier": tier,
                "channel": channel,
                "text_pattern": pattern,
                "value_from": value_from,
                "target_team": teams.get(target),
                "target_member": members.get(target),
                "strategy": strategy,
                "keep_referral_owner": keep,
            },
        )
