"""Inbound email: what arrives at the firm's tracking address through an ESP's webhook.

anymail turns each ESP's webhook into one ``AnymailInboundMessage``; this package reads
it: ``esp`` (one module per ESP, the webhook views and where each keeps the raw
payload), ``parsing`` (headers, bodies, attachments, arrival time), ``bodies`` (HTML to
safe text, quoted history), ``classification`` (auto-replies, bounces, lists, spam),
``forwarding`` (an enquiry a colleague forwarded) and ``threads`` (which lead a reply
belongs to). What is done with it is decided in ``leads.services.inbound``.
"""
