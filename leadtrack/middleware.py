"""Leadtrack's own middleware: the inbound webhooks' short stack, and the body-size limit.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` covers form fields only; JSON posts to the API
and raw webhook bodies need a limit of their own, answered with a clear 413.

An ESP's inbound webhook (``/anymail/<esp>/inbound/``) is a machine posting JSON or a
form with basic auth: it has no session, no signed-in user, no CSRF token, no messages,
no history author and no static files, and its JSON answer is never rendered by a
browser. ``InboundWebhookMiddleware``, first in ``MIDDLEWARE``, answers it through the
short stack in ``LEADTRACK_INBOUND_WEBHOOK_MIDDLEWARE`` (the security headers and the
size limit) instead of the whole one, which costs a webhook about as much CPU as storing
the email does (docs/performance.md).
"""

from collections.abc import Callable

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, URLResolver
from django.urls.resolvers import RegexPattern
from django.utils.module_loading import import_string

# The inbound webhook URLs (leads/inbound/urls.py), included under this prefix by
# leadtrack/urls.py; resolved here on their own, without walking the admin's and the
# API's patterns first. A path they do not match goes down the whole stack as usual.
INBOUND_PREFIX = "/anymail/"
INBOUND_URLCONF = "leads.inbound.urls"
INBOUND_NAMESPACE = "inbound"
# A JSON answer is never rendered, framed or run as a page: it may load nothing at all.
INBOUND_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


class InboundWebhookMiddleware:
    """Answers the inbound webhook URLs through their own short stack (see the module
    docstring); every other request goes on down ``MIDDLEWARE`` as usual."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        handler = convert_exception_to_response(self.view_call)
        for path in reversed(settings.LEADTRACK_INBOUND_WEBHOOK_MIDDLEWARE):
            handler = convert_exception_to_response(import_string(path)(handler))
        self.webhook_response = handler
        self.resolver = URLResolver(
            RegexPattern(f"^{INBOUND_PREFIX}"),
            INBOUND_URLCONF,
            app_name=INBOUND_NAMESPACE,
            namespace=INBOUND_NAMESPACE,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if not path.startswith(INBOUND_PREFIX):
            return self.get_response(request)
        try:
            match = self.resolver.resolve(path)
        except Resolver404:  # anymail's tracking webhooks, or no page at all
            return self.get_response(request)
        request.resolver_match = match
        response = self.webhook_response(request)
        response.headers.setdefault("Content-Security-Policy", INBOUND_CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    @staticmethod
    def view_call(request: HttpRequest) -> HttpResponse:
        """The resolved view, called as Django's handler calls a view (anymail's views
        are exempt from CSRF and need nothing else of the request)."""
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if response is None:
            raise ValueError(f"The view {match.view_name} returned None.")
        return response


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
