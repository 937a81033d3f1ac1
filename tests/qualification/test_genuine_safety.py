"""A genuine enquiry is never disqualified: a plain need for the firm's work, or a writer
who says they are the firm's client, overrules a pitch-like score from the genuine-or-not
classifier unless it is all but certain, and the basis says so."""

from decimal import Decimal

from qualification.corpus import REGRESSION_ARRIVAL
from qualification.extraction import AreaSpec, Enquiry, extract
from qualification.learning import LearnedReading
from qualification.scoring import Rules, assess

AREAS = (
    AreaSpec(
        id=1,
        slug="conveyancing",
        name="Residential conveyancing",
        keywords=("conveyancing",),
        fee_low=Decimal(1100),
        fee_high=Decimal(3500),
    ),
)


def _reading(*, not_an_enquiry: float, area_score: float) -> LearnedReading:
    return LearnedReading(
        area_slug="conveyancing",
        area_margin=0.8,
        best="conveyancing",
        area_score=area_score,
        area_evidence=["completion statement"],
        runner_up=None,
        not_an_enquiry=not_an_enquiry,
        not_an_enquiry_evidence=["email"],
    )


def _assess(message: str, reading: LearnedReading):
    enquiry = Enquiry(
        message=message, subject="Completion statement", arrived_at=REGRESSION_ARRIVAL
    )
    return assess(extract(enquiry, AREAS), Rules(version=1), learned=reading, areas=AREAS)


def test_a_clients_own_words_overrule_a_pitch_like_score():
    assessment = _assess(
        "Your ref SMI/4471-2. Could you email me a copy of the completion statement please?",
        _reading(not_an_enquiry=0.62, area_score=-0.3),
    )
    assert not assessment.is_disqualified
    line = next(line for line in assessment.basis if "despite a pitch-like score" in line)
    assert "they say they are the firm's client" in line and "62%" in line


def test_a_plain_need_for_the_firms_work_overrules_a_pitch_like_score_and_its_phrases():
    assessment = _assess(
        "We are a marketing agency; our services are SEO and web design services. We are "
        "buying a flat for the office and need a conveyancer for the purchase.",
        _reading(not_an_enquiry=0.7, area_score=0.9),
    )
    assert not assessment.is_disqualified
    assert "spam" not in assessment.flags
    assert any(
        "it plainly asks for Residential conveyancing work" in line for line in assessment.basis
    )


def test_a_pitch_the_classifier_is_all_but_sure_of_is_still_disqualified():
    assessment = _assess(
        "We help law firms rank on page one of Google with backlinks. Unsubscribe here.",
        _reading(not_an_enquiry=0.95, area_score=0.6),
    )
    assert assessment.is_disqualified


def test_without_a_plain_need_the_usual_threshold_decides():
    assessment = _assess(
        "Please see the attached invoice for your website hosting renewal.",
        _reading(not_an_enquiry=0.6, area_score=-0.2),
    )
    assert assessment.is_disqualified
