"""Template context shared by every page: the firm's name."""

from django.conf import settings
from django.http import HttpRequest


def firm(request: HttpRequest) -> dict[str, str]:
    return {"firm_name": settings.LEADTRACK_FIRM_NAME}
