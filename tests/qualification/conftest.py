"""Fixtures for the qualification tests: the demo firm's practice areas and active model."""

import pytest

from qualification import demo


@pytest.fixture
def demo_model(db):
    """The demo firm's practice areas and its active qualification model."""
    demo.load()
    return demo.model_load()
