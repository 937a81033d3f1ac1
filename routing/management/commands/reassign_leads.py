"""Hand over every open lead of a member who is leaving or going on leave."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from routing.models import Member
from routing.services import member_reassign_open_leads


def _member(username: str, option: str) -> Member:
    member = Member.objects.select_related("user").filter(user__username=username).first()
    if member is None:
        raise CommandError(f"{option}: no member has the username “{username}”.")
    return member


class Command(BaseCommand):
    help = (
        "Reassign every open lead of one member (leaving, or going on leave) to another "
        "member, or, without --to, wherever the routing rules send each lead now. Each new "
        "owner is briefed and each lead's timeline records the move."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", required=True, help="Username handing over.")
        parser.add_argument("--to", dest="target", help="Username taking them all (optional).")
        parser.add_argument("--reason", default="", help="Why, e.g. 'Leaving the firm' (required).")

    def handle(self, *args, source: str, target: str | None, reason: str, **options) -> None:
        member = _member(source, "--from")
        to = _member(target, "--to") if target else None
        if not reason.strip():
            raise CommandError("--reason: say why the leads are moving, e.g. 'Leaving the firm'.")
        try:
            moved = member_reassign_open_leads(member=member, to=to, reason=reason)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        for assignment in moved:
            self.stdout.write(f"{assignment.lead} → {assignment.member}: {assignment.reason}")
        self.stdout.write(self.style.SUCCESS(f"{len(moved)} open lead(s) of {member} reassigned."))
