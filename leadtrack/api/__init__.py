"""The REST API under /api/v1/: it spans every app (a lead's qualification, owner and
next action), so it lives in the project package, which may import them all."""
