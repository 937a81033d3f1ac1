"""A mail backend that always fails, as an unreachable SMTP server does."""

from smtplib import SMTPException

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("SMTP server refused the connection")
