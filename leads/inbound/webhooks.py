"""Leadtrack's answer to each ESP's inbound webhook, on top of anymail's own view.

anymail authenticates the post (basic-auth secret, the ESP's signature) and turns it
into inbound events, which go to the receiver of anymail's ``inbound`` signal. Around
that, this mixin gives every failure a clear answer an operator can act on, and one the
ESP understands:

- not configured (missing signing key or webhook secret): 503, so the ESP keeps the
  email and retries once the setting is fixed;
- wrong basic auth or signature: 401;
- a payload that cannot be read (malformed JSON or form, header injection, no From):
  the ESP's "do not retry" answer where it has one, else 400; nothing is stored;
- stored but not yet processed: 503 with Retry-After, so the ESP delivers again (the
  repeat is recognised and processing retried), while beat reprocesses it meanwhile.
"""

import binascii
import email.errors
import logging

import requests
from anymail.exceptions import (
    AnymailAPIError,
    AnymailConfigurationError,
    AnymailWebhookValidationFailure,
)
from django.conf import settings
from django.http import HttpRequest, JsonResponse

from leads.inbound.outcomes import InboundDeferred, InboundRejected

logger = logging.getLogger(__name__)

# What a payload that cannot be read raises inside anymail's parsing.
UNREADABLE = (
    ValueError,  # includes JSONDecodeError, UnicodeDecodeError, binascii.Error
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    LookupError,
    binascii.Error,
    email.errors.MessageError,
)


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
        return answer(
            self.reject_status,
            f"The {self.esp_name} inbound payload could not be read "
            f"({type(exc).__name__}: {detail}). Nothing was stored.",
        )

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
            self.run_validators(request)
        except AnymailWebhookValidationFailure as exc:
            logger.warning("Inbound %s webhook refused: %s", esp, exc)
            return answer(401, f"{exc}.", WWW_Authenticate='Basic realm="Leadtrack inbound email"')
        except AnymailAPIError as exc:
            # Raised while validating when the body is not the ESP's format at all (Amazon
            # SES: not an SNS message, or an unknown SNS message type).
            return self._unreadable(exc)
        try:
            events = self.parse_events(request)
        except AnymailConfigurationError as exc:
            logger.error("Inbound %s webhook wired wrongly: %s", esp, exc)
            return answer(self.reject_status, str(exc))
        except self.fetch_errors as exc:
            # The ESP's message store (Mailtrap, Resend, SES S3) did not answer: try later.
            logger.warning("Inbound %s message could not be fetched: %s", esp, exc)
            return answer(503, f"The email could not be fetched from {esp}; retry later.")
        except (*UNREADABLE, AnymailAPIError) as exc:
            return self._unreadable(exc)
        refused, deferred = [], False
        for event in events:
            if event.message is None:
                # e.g. a Resend "email.received" event without the email's id.
                logger.warning("Inbound %s event refused: it carries no email", esp)
                refused.append(f"The {esp} inbound event carries no email; nothing was stored.")
                continue
            try:
                self.signal.send(sender=self.__class__, event=event, esp_name=esp)
            except InboundRejected as exc:
                logger.warning("Inbound %s email refused: %s", esp, exc)
                refused.append(str(exc))
            except InboundDeferred as exc:
                logger.warning("Inbound %s email stored, processing deferred: %s", esp, exc)
                deferred = True
        if deferred:
            return answer(
                503,
                "The email is stored but could not be processed yet; deliver it again "
                "(the repeat is recognised) or Leadtrack will reprocess it.",
                Retry_After="60",
            )
        if refused:
            return answer(self.reject_status, " ".join(refused))
        return answer(200, f"{len(events)} email(s) received.")
