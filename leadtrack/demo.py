"""Roles for the demo firm: what partners and fee earners may do in the tracker."""

from django.contrib.auth.models import Group, Permission

from routing.demo import FEE_EARNERS_GROUP, PARTNERS_GROUP

PARTNER_APPS = ["firm", "leads", "qualification", "compliance", "routing", "followups"]
FEE_EARNER_PERMISSIONS = [
    # Compliance on their own leads: the conflict check and its decision, the parties,
    # due diligence and the lawful basis (each list scoped to the leads they may see).
    ("compliance", "view_party"),
    ("compliance", "add_party"),
    ("compliance", "view_conflictcheck"),
    ("compliance", "view_conflictdecision"),
    ("compliance", "add_conflictdecision"),
    ("compliance", "view_duediligence"),
    ("compliance", "add_duediligence"),
    ("compliance", "view_lawfulbasis"),
    ("compliance", "view_referraldisclosure"),
    ("compliance", "add_referraldisclosure"),
    ("leads", "view_lead"),
    ("leads", "change_lead"),
    ("leads", "add_lead"),
    ("leads", "view_contact"),
    ("leads", "change_contact"),
    ("leads", "view_activity"),
    ("leads", "view_inboundmessage"),
    ("leads", "view_outboundemail"),
    ("qualification", "view_practicearea"),
    ("qualification", "view_priceitem"),
    ("routing", "view_member"),
    ("routing", "view_team"),
    ("followups", "view_followup"),
    ("followups", "change_followup"),
    ("followups", "view_myfollowup"),
    ("followups", "change_myfollowup"),
    ("followups", "view_followuppolicy"),
    ("routing", "view_routingrule"),
    ("routing", "view_assignment"),
]


def load(*, stdout=None) -> None:
    """Give the Partners group every permission on Leadtrack's apps and fee earners a
    working set; run after the apps' own demo data so their permissions exist."""
    partners = Group.objects.get(name=PARTNERS_GROUP)
    partners.permissions.set(Permission.objects.filter(content_type__app_label__in=PARTNER_APPS))
    fee_earners = Group.objects.get(name=FEE_EARNERS_GROUP)
    wanted = [
        Permission.objects.filter(content_type__app_label=app, codename=codename).first()
        for app, codename in FEE_EARNER_PERMISSIONS
    ]
    fee_earners.permissions.set([perm for perm in wanted if perm is not None])
    if stdout is not None:
        stdout.write("  roles: Partners, Fee earners")
