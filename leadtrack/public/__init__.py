"""The firm's public pages: the enquiry form at ``/enquire/`` (embeddable in an iframe).

It lives in the project package, not in ``leads``, because it offers the practice areas
of ``qualification``, which ``leads`` may not import. It captures through
``leads.services.lead_capture`` like every other channel, storing the chosen practice
area on the lead as ``practice_area_hint`` for qualification to read.
"""
