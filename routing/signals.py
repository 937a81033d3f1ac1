"""Signals by which routing tells the app above it (follow-ups) that something happened.

Sent inside the transaction that made the change; the receiver (connected in
``FollowupsConfig.ready()``) calls one follow-ups service. See docs/architecture.md.
"""

from django.dispatch import Signal

# lead, assignment, actor: the lead has a new owner (first assignment or reassignment)
lead_assigned = Signal()
