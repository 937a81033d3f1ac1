"""Create or update the superuser ``admin`` with the password from the environment."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEFAULT_PASSWORD = "leadtrack-admin"  # noqa: S105 (local default, printed by make run)


class Command(BaseCommand):
    help = (
        "Create the superuser 'admin', or reset its password, from LEADTRACK_ADMIN_PASSWORD "
        f"(default '{DEFAULT_PASSWORD}' for a local machine)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args, **options) -> None:
        password = os.environ.get("LEADTRACK_ADMIN_PASSWORD") or DEFAULT_PASSWORD
        if len(password) < 8:
            raise CommandError("LEADTRACK_ADMIN_PASSWORD must be at least 8 characters long.")
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=options["username"],
            defaults={
                "email": "admin@example.co.uk",
                "first_name": "Leadtrack",
                "last_name": "Administrator",
            },
        )
        user.is_staff = True
        user.is_superuser = True
        user.is_active = True
        user.set_password(password)
        user.save()
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} superuser '{user.username}'."))
