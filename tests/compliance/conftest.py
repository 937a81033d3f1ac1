"""Compliance fixtures: a practice area in scope of the Money Laundering Regulations, and
a qualified lead in it."""

import pytest

from qualification.models import PracticeArea, QualificationModel
from tests.factories import LeadFactory, QualificationResultFactory


@pytest.fixture
def model_version(db):
    return QualificationModel.objects.create(name="Test", version=1)


def lead_in_area(*, slug: str, mlr: bool, model_version, **lead_kwargs):
    area, _ = PracticeArea.objects.get_or_create(
        slug=slug, defaults={"name": slug.replace("-", " ").title(), "mlr_in_scope": mlr}
    )
    lead = LeadFactory(**lead_kwargs)
    QualificationResultFactory(lead=lead, model_version=model_version, practice_area=area, tier="B")
    return lead
