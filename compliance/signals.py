"""Signals by which compliance tells higher apps that something happened."""

from django.dispatch import Signal

# lead_ids: a person was removed from these leads (erasure on request, or the retention
# schedule anonymised them); higher apps remove what their staff wrote about that person
person_removed = Signal()

# request: a subject access request was recorded (a SubjectAccessRequest); actor: who
# recorded it. Higher apps track its one-month deadline (followups schedules a follow-up).
subject_access_requested = Signal()
