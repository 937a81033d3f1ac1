"""Leadtrack's answer to each ESP's inbound webhook: anymail's own view, wrapped.

anymail's ``post()`` runs unchanged: it authenticates the post (basic-auth secret, the
ESP's signature), parses it into inbound events and sends each to the receiver of
anymail's ``inbound`` signal, which stores the email's payload (one INSERT) and queues
its processing. Around that, this mixin gives each way a post can fail a clear answer
an operator can act on, and one the ESP understands:

- not configured (missing signing key or webhook secret): 503, so the ESP keeps the
  email and retries once the setting is fixed;
- wrong basic auth or signature (or a replayed signature): 401;
- a payload that cannot be decoded at all (not JSON, not a form, not MIME): the ESP's
  "do not retry" answer where it has one, else 400; nothing is stored. A payload that
  decodes but that anymail cannot build an email from is stored whole and read in the
  worker, never refused;
- anything else, a fault in Leadtrack's own code included, propagates: Django answers
  500 and the ESP delivers again (a repeat of a stored email is a no-op answered 200).
"""

import binascii
import email.errors
import json
import logging

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from leads.inbound.outcomes import InboundRejected

logger = logging.getLogger(__name__)

# What a payload that cannot be read raises inside anymail's parsing.
UNREADABLE = (
    ValueError,  # includes JSONDecodeError, UnicodeDecodeError, binascii.Error
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    LookupError,
    OverflowError,
    RecursionError,  # nested beyond reading (a 100,000-deep JSON array, 3,000 MIME parts)
    binascii.Error,
    email.errors.MessageError,
)

# Of those, what says the payload is not this ESP's format at all (a field it must have
# is missing or of the wrong type, nesting beyond reading): refused. The others (a value
# anymail cannot put in an email, such as a vertical tab in a subject) leave a payload
# that decodes: it is stored whole and read in the worker.
NOT_THIS_FORMAT = (KeyError, IndexError, TypeError, AttributeError, RecursionError, AnymailAPIError)


# The answer to a stored email, written once.
STORED = json.dumps({"detail": "Stored; it will be processed in a moment."}).encode()


class PayloadUnreadable(Exception):
    """The post's payload cannot be decoded at all; nothing was stored."""


def answer(status: int, detail: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class InboundWebhookMixin:
    """Mixed in before an anymail inbound view (see the module docstring)."""

    #: The status that tells this ESP not to deliver a refused payload again.
    reject_status = 400
    #: What fetching the email from the ESP's message store raises when it does not answer.
    fetch_errors: tuple[type[Exception], ...] = (requests.RequestException,)

    def __init__(self, **kwargs) -> None:
        self.configuration_error: Exception | None = None
        try:
            super().__init__(**kwargs)
        except AnymailConfigurationError as exc:
            self.configuration_error = exc

    def _unauthenticated(self) -> bool:
        return (
            getattr(self, "warn_if_no_basic_auth", False)
            and not getattr(self, "basic_auth", None)
            and not settings.LEADTRACK_INBOUND_ALLOW_UNAUTHENTICATED
        )

    def _unreadable(self, exc: Exception) -> JsonResponse:
        logger.warning("Inbound %s payload refused: %r", self.esp_name, exc)
        detail = " ".join(str(exc).split())[:300]
        if not isinstance(exc, PayloadUnreadable):
            detail = f"{type(exc).__name__}: {detail}"
        return answer(
            self.reject_status,
            f"The {self.esp_name} inbound payload could not be read ({detail}). "
            "Nothing was stored.",
        )

    def parse_events(self, request: HttpRequest) -> list:
        """anymail's events; a payload that decodes but that anymail cannot read is
        kept whole (``UnreadInboundEvent``), one that cannot be decoded is refused."""
        from leads.inbound.esp import UnreadInboundEvent, delivery_from_request

        try:
            return super().parse_events(request)
        except (AnymailConfigurationError, *self.fetch_errors):
            raise
        except (*UNREADABLE, AnymailAPIError) as exc:
            error = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            if isinstance(exc, NOT_THIS_FORMAT):
                raise PayloadUnreadable(error) from exc
            delivery = delivery_from_request(request, esp_name=self.esp_name, error=error)
            if delivery is None:
                raise PayloadUnreadable(error) from exc
            logger.warning("Inbound %s post stored whole, to read later: %s", self.esp_name, error)
            return [UnreadInboundEvent(delivery=delivery)]

    def anymail_events(self, request: HttpRequest) -> list:
        """anymail's own parsing of a post, nothing added (the worker reads a stored
        post with it)."""
        return super().parse_events(request)

    def post(self, request: HttpRequest, *args, **kwargs) -> JsonResponse:
        esp = self.esp_name
        if self.configuration_error is not None:
            logger.error("Inbound %s webhook is not configured: %s", esp, self.configuration_error)
            return answer(
                503,
                f"Leadtrack's {esp} inbound webhook is not configured: {self.configuration_error}",
                Retry_After="300",
            )
        if self._unauthenticated():
            logger.error("Inbound %s webhook refused: ANYMAIL_WEBHOOK_SECRET is not set", esp)
            return answer(
                503,
                f"Leadtrack refuses unauthenticated {esp} webhooks: set ANYMAIL_WEBHOOK_SECRET "
                "to 'user:password' and put the same credentials in the webhook URL at "
                f"{esp}.",
                Retry_After="300",
            )
        try:
            response = super().post(request, *args, **kwargs)
        except AnymailWebhookValidationFailure as exc:
            logger.warning("Inbound %s webhook refused: %s", esp, exc)
            return answer(401, f"{exc}.", WWW_Authenticate='Basic realm="Leadtrack inbound email"')
        except self.fetch_errors as exc:
            # The ESP's message store (Mailtrap, Resend, SES S3) did not answer: try later.
            logger.warning("Inbound %s message could not be fetched: %s", esp, exc)
            return answer(503, f"The email could not be fetched from {esp}; retry later.")
        except AnymailAPIError as exc:
            # Raised while validating when the body is not the ESP's format at all (Amazon
            # SES: not an SNS message, or an unknown SNS message type).
            return self._unreadable(exc)
        except PayloadUnreadable as exc:
            return self._unreadable(exc)
        except AnymailConfigurationError as exc:
            logger.error("Inbound %s webhook wired wrongly: %s", esp, exc)
            return answer(self.reject_status, str(exc))
        except InboundRejected as exc:
            logger.warning("Inbound %s email refused: %s", esp, exc)
            return answer(self.reject_status, str(exc))
        if response.status_code != 200:  # anymail's own answer (SNS's basic-auth challenge)
            return response
        return HttpResponse(STORED, content_type="application/json")
