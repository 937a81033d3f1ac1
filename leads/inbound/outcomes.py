"""How the capture of an inbound email can end other than in success, so the webhook
can answer the ESP the right way."""


class InboundRejected(Exception):
    """The delivery is not an email Leadtrack can ever accept (e.g. it has no From).
    Nothing was stored; the webhook answers 4xx so the ESP does not retry."""


class InboundDeferred(Exception):
    """The email is stored but could not be processed yet; the webhook answers 503 so
    the ESP delivers it again, and beat reprocesses it meanwhile."""
