"""One exception handler: every API error is JSON with a message a person can act on.

``detail`` says what went wrong in a sentence; ``errors`` maps each field to its problems.
Django's ValidationError (raised by services) becomes a 400 like DRF's own.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def _flatten(detail) -> dict[str, list[str]] | list[str]:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat: list = []
        for item in detail:
            value = _flatten(item)
            flat.extend(value if isinstance(value, list) else [value])
        return flat
    return [str(detail)]


def _summary(errors) -> str:
    if isinstance(errors, dict):
        parts = []
        for field, problems in errors.items():
            text = _summary(problems)
            parts.append(text if field in ("non_field_errors", "__all__") else f"{field}: {text}")
        return " ".join(parts)
    if isinstance(errors, list):
        return " ".join(_summary(item) for item in errors)
    return str(errors)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        response.data = {
            "detail": _summary(errors) or "The request is not valid.",
            "errors": errors,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {"detail": str(response.data["detail"])}
    return response
