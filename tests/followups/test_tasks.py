"""Beat's escalation sweep is never discarded because the worker was behind."""

from followups.tasks import escalation_sweep


def test_the_escalation_sweep_never_expires_in_the_queue():
    assert escalation_sweep.expires is None
    assert escalation_sweep.time_limit == 60  # and it cannot hold the worker up for long
