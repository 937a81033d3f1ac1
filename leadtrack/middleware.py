"""Refuse oversized request bodies before any view reads them.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` covers form fields only; JSON posts to the API
and raw webhook bodies need a limit of their own, answered with a clear 413.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.LEADTRACK_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(
                {"detail": "The Content-Length header is not a number."}, status=400
            )
        if length > limit:
            return JsonResponse(
                {
                    "detail": (
                        f"The request body is {length} bytes; the largest accepted is "
                        f"{limit} bytes."
                    )
                },
                status=413,
            )
        return self.get_response(request)
