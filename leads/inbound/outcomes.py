"""How the capture of an inbound email can end other than in success, so the webhook
can answer the ESP the right way."""


class InboundRejected(Exception):
    """The delivery carries no email at all (e.g. an event without the email's id).
    Nothing was stored; the webhook answers 4xx so the ESP does not retry."""
