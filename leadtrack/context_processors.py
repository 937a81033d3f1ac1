"""Template context shared by every page: the firm's name, from its profile."""

from django.http import HttpRequest

from firm.selectors import firm_profile


def firm(request: HttpRequest) -> dict[str, str]:
    return {"firm_name": firm_profile().name}
