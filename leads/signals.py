"""Signals by which the leads app tells higher apps that something happened to a lead.

These are the only signals in the project (see docs/architecture.md). Receivers are
connected in the higher app's ``AppConfig.ready()`` and call one of that app's services.
Each is sent inside the transaction that made the change, so a receiver's writes commit
or roll back with it.
"""

from django.dispatch import Signal

# lead, old_status, new_status, reason, actor
status_changed = Signal()
# lead, inbound_message: an enquirer's message joined an existing lead
message_received = Signal()
# lead, at, actor: the firm replied to the enquirer (staff email caught by the tracking address)
message_sent = Signal()
# lead, kind ("call" or "meeting"), at, actor, summary, outcome (``ContactOutcome``), moves_to
# (the status the lead is moved on to straight after, or None), call_back_at (a call back
# the client asked for, or None): staff logged a contact
contact_logged = Signal()
# lead: the lead's captured facts changed and its assessment may be stale
lead_updated = Signal()
# keep, merged, actor: staff merged ``merged`` into ``keep`` (duplicates of one enquiry);
# higher apps move or close what they hold for ``merged`` (e.g. open follow-ups)
lead_merged = Signal()
# lead, outbound_email, address, reason, at: an email Leadtrack sent to the lead's contact
# bounced, so the address is undeliverable; higher apps ask the owner to phone instead
contact_email_bounced = Signal()
# contact, changes: staff corrected a contact's details (higher apps re-read them)
contact_changed = Signal()
