"""What a locked-out user is told (django-axes' ``AXES_LOCKOUT_CALLABLE``): that they
are locked out after too many failed sign-ins, and from when they can try again, as a
page for the admin and as JSON for the API's token endpoint."""

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

STATUS = 429


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """429 with the time (London) after which signing in is allowed again."""
    cool_off = get_cool_off(request)
    # Each further attempt while locked out starts the cool-off again, so it runs from now.
    until = timezone.localtime(timezone.now() + cool_off) if cool_off else None
    if until is not None:
        when = until.strftime("%H:%M on %-d %B %Y")
        message = (
            "Too many failed sign-ins: this account is locked out from this address. "
            f"You can try again after {when} (London time); trying before then starts the "
            "wait again. A partner can unlock it sooner under Axes in the admin."
        )
    else:
        message = (
            "Too many failed sign-ins: this account is locked out from this address until "
            "a partner unlocks it under Axes in the admin."
        )
    headers = {"Retry-After": str(int(cool_off.total_seconds()))} if cool_off else {}
    if request.path.startswith("/api/"):
        body = {"detail": message, "retry_after": until.isoformat() if until else None}
        return JsonResponse(body, status=STATUS, headers=headers)
    response = render(
        request, "admin/locked_out.html", {"title": "Locked out", "message": message}, status=STATUS
    )
    for name, value in headers.items():
        response[name] = value
    return response
