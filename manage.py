#!/usr/bin/env python
"""Django's command-line utility for Leadtrack."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadtrack.settings")
    from django.core.management import execute_from_command_line

    from leadtrack.local_env import local_env_read

    local_env_read()

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
