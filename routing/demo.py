"""The demo firm's people: five teams and a dozen members with supervisors."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from qualification.models import PracticeArea
from routing.models import Member, Seniority, Team

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
    if stdout is not None:
        stdout.write(f"  teams: {len(TEAMS)}, members: {len(MEMBERS)}")
