"""The bare receiver: the floor an inbound webhook's cost is judged against (issue 19).

A minimal Django project with the product's anymail version and the product's email
parsing policy (``leads.inbound.parsing.READING_POLICY``, installed the same way), whose
one receiver stores each email's raw payload and its Message-ID in one INSERT. No
sessions, no admin, no auth: only what any receiver must do. ``bench/inbound_instructions.py
--project floor`` counts it beside the product with the same payloads.
"""
