"""The learned readers (practice area, genuine enquiry): trained once when a version is
made, stored with it, loaded fast, deterministic per version, and measured by the
evaluation command on the corpus format."""

import time
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from qualification import corpus, learning, selectors, services
from qualification.choices import ModelState
from qualification.evaluation import evaluate
from qualification.extraction import Enquiry, extract
from qualification.models import QualificationModel
from tests.factories import LeadFactory

ARRIVED = corpus.REGRESSION_ARRIVAL

CORPUS_ITEMS = """
- id: t-0001
  channel: email
  arrived_at: "2026-11-17T09:42:00+00:00"
  from_name: "Rachel Okafor"
  from_email: "rachel.okafor@gmail.com"
  organisation: ""
  subject: "Buying a house"
  body: |
    We have had an offer accepted on a house for £210,000 and need a conveyancer.
  language: en
  labels:
    tier: B
    practice_area: conveyancing
    commercial: low
    urgency: low
    position: decision_maker
    flags: []
    deadline: null
    other_parties: []
    reason: "Ordinary purchase."
- id: t-0002
  channel: email
  arrived_at: "2026-11-17T10:00:00+00:00"
  from_name: "Grow Fast Digital"
  from_email: "hello@growfast.example"
  subject: "Page one of Google for your firm"
  body: |
    We help law firms rank on page one with guaranteed backlinks. Reply STOP to unsubscribe.
  language: en
  labels:
    tier: disqualified
    practice_area: unclassified
    commercial: unknown
    urgency: low
    position: not_a_buyer
    flags: [spam]
    deadline: null
    other_parties: []
    reason: "SEO pitch."
"""


@pytest.fixture
def corpus_file(tmp_path) -> Path:
    path = tmp_path / "corpus.yaml"
    path.write_text(CORPUS_ITEMS, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def regression_items():
    return corpus.read_labelled(corpus.DATASETS["regression"], source_set="regression")


@pytest.fixture(scope="module")
def trained(regression_items):
    return learning.train(regression_items)


def test_both_corpus_formats_read_into_one_vocabulary(corpus_file, regression_items):
    items = corpus.read_labelled(corpus_file)
    assert [item.labels.tier for item in items] == ["B", "disqualified"]
    assert items[0].enquiry.email == "rachel.okafor@gmail.com"
    assert items[0].enquiry.arrived_at.tzinfo is not None
    assert items[1].labels.flags == ("spam",) and not items[1].labels.is_enquiry
    spam = [item for item in regression_items if "spam" in item.labels.flags]
    assert spam and all(item.labels.tier == "disqualified" for item in spam)


def test_a_file_that_is_not_a_list_is_refused(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("tier: A\n", encoding="utf-8")
    with pytest.raises(ValueError, match="list of labelled enquiries"):
        corpus.read_labelled(path)


def test_training_is_deterministic_and_the_stored_bytes_read_the_same(regression_items, trained):
    first = trained
    second = learning.train(list(reversed(regression_items)))
    blob, digest = learning.dump(first)
    assert learning.dump(second) == (blob, digest)
    loaded = learning.load(blob, digest)
    enquiry = Enquiry(
        subject="Unfair dismissal",
        message="I was sacked last week without any warning after twelve years.",
        arrived_at=ARRIVED,
    )
    assert loaded.read(enquiry) == first.read(enquiry)
    assert first.read(enquiry).area_slug == "employment"


def test_stored_bytes_that_do_not_match_their_digest_are_refused(trained):
    blob, digest = learning.dump(trained)
    with pytest.raises(ValueError, match="digest"):
        learning.load(blob + b"x", "0" * 64)


def test_the_classifier_reads_a_sales_pitch_as_not_an_enquiry(trained):
    classifiers = trained
    pitch = Enquiry(
        subject="Grow your law firm",
        message="We are an SEO agency offering guaranteed first page rankings and backlinks "
        "for solicitors. Can we book a 15 minute call? Unsubscribe here.",
        email="sales@rank-agency.example",
        arrived_at=ARRIVED,
    )
    genuine = Enquiry(
        subject="Probate",
        message="My mother passed away in January and I am the executor of her estate.",
        arrived_at=ARRIVED,
    )
    assert not classifiers.read(pitch).is_enquiry
    assert classifiers.read(genuine).is_enquiry


def test_a_new_draft_is_trained_and_stores_its_classifiers(demo_model):
    assert demo_model.is_trained
    stored = QualificationModel.objects.with_classifier().get(pk=demo_model.pk)
    assert bytes(stored.classifier)
    report = demo_model.classifier_report
    assert report["examples"] >= 87 and "held-out" not in report["by_set"]
    assert report["scikit_learn"]


def test_versions_are_read_without_their_bytes_until_needed(demo_model, django_assert_num_queries):
    model = QualificationModel.objects.get(pk=demo_model.pk)
    assert "classifier" in model.get_deferred_fields()
    selectors.classifiers_for(model)  # loaded by an earlier read in this process, or now
    with django_assert_num_queries(0):
        assert selectors.classifiers_for(model) is not None


def test_the_default_version_made_in_a_worker_is_not_trained(db):
    model = services.qualification_model_active_or_default()
    assert model.state == ModelState.ACTIVE and not model.is_trained
    lead = LeadFactory(subject="Will", message="I would like to make a will.")
    result = services.lead_qualify(lead=lead, model=model)
    assert result.practice_area is None or result.practice_area.slug == "wills-probate"


def test_first_enquiry_after_loading_is_answered_in_milliseconds(demo_model):
    learning._LOADED.clear()
    model = QualificationModel.objects.get(pk=demo_model.pk)
    started = time.process_time()
    selectors.classifiers_for(model)
    loading = time.process_time() - started
    lead = LeadFactory(subject="Divorce", message="My husband and I are separating.")
    started = time.process_time()
    services.lead_assess(lead=lead, model=model)
    assert loading < 1.0
    assert time.process_time() - started < 0.25


def test_retraining_a_draft_needs_a_new_trial_and_a_used_version_is_frozen(
    demo_model, regression_items
):
    draft = services.qualification_model_draft(name="Next", based_on=demo_model)
    services.qualification_model_trial(model=draft)
    services.qualification_model_train(model=draft, examples=regression_items[:60])
    draft.refresh_from_db()
    with pytest.raises(ValidationError, match="test it again"):
        services.qualification_model_activate(model=draft, actor=None)
    with pytest.raises(ValidationError, match="frozen"):
        services.qualification_model_train(model=demo_model)


def test_a_version_gives_the_same_result_for_the_same_enquiry(demo_model):
    lead = LeadFactory(
        subject="Tribunal", message="My employer dismissed me and the hearing is on 3 March."
    )
    first = services.lead_assess(lead=lead, model=demo_model)
    learning._LOADED.clear()
    again = services.lead_assess(lead=lead, model=QualificationModel.objects.get(pk=demo_model.pk))
    assert first == again


def test_evaluation_says_which_items_the_version_learned_from(demo_model, regression_items):
    result = evaluate(demo_model, regression_items)
    assert result.total == len(regression_items)
    assert result.seen_in_training == len(regression_items)
    assert result.genuine_disqualified == 0
    assert result.accuracy("practice_area") >= 0.9


def test_evaluate_command_reads_the_corpus_format(demo_model, corpus_file, capsys):
    call_command("evaluate_qualification", "--data", str(corpus_file), "--show-mistakes")
    out = capsys.readouterr().out
    assert "Labelled enquiries: 2" in out
    assert "disq." in out and "Non-enquiries disqualified" in out
    assert "Genuine enquiries disqualified: 0" in out


def test_evaluate_command_cross_validates(demo_model, capsys):
    call_command("evaluate_qualification", "--data", "regression", "--cross-validate", "3")
    out = capsys.readouterr().out
    assert "3-fold" not in out or "Agreement per dimension" in out
    assert "were in this version's training data" not in out


def test_evaluate_command_refuses_a_missing_or_empty_file(demo_model, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("evaluate_qualification", "--data", str(tmp_path / "none.yaml"))
    empty = tmp_path / "empty.yaml"
    empty.write_text("[]\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no labelled enquiries"):
        call_command("evaluate_qualification", "--data", str(empty))


def test_the_fast_sums_give_what_scikit_learn_gives(trained, regression_items):
    import numpy as np

    for item in regression_items[:30]:
        reading = trained.read(item.enquiry)
        row = reading.row
        text = learning.classifier_text(item.enquiry)
        assert np.allclose(row.toarray(), trained.features.transform([text]).toarray(), atol=1e-6)
        assert np.allclose(trained._scores("area", row), trained.area.decision_function(row)[0])
        proba = trained.genuine.predict_proba(row)[0]
        expected = float(proba[list(trained.genuine.classes_).index(0)])
        assert abs(reading.not_an_enquiry - expected) < 0.001


def test_a_version_stored_before_the_position_classifier_still_reads(trained):
    import io

    import joblib

    buffer = io.BytesIO()
    stored = {
        "format": 2,
        "features": trained.features,
        "area": trained.area,
        "genuine": trained.genuine,
        "kind": trained.kind,
        "scope": trained.scope,
    }
    joblib.dump(stored, buffer, compress=3)
    blob = buffer.getvalue()
    import hashlib

    older = learning.load(blob, hashlib.sha256(blob).hexdigest())
    enquiry = Enquiry(subject="Will", message="I would like to make a will.", arrived_at=ARRIVED)
    reading = older.read(enquiry)
    older.place(reading, extract(enquiry, ()).position, enquiry.message)
    assert older.position is None and reading.position is None
    assert reading.area_slug == trained.read(enquiry).area_slug


def test_the_stored_bytes_load_in_well_under_a_second(trained):
    blob, digest = learning.dump(trained)
    assert blob.startswith(learning.MAGIC)
    learning._LOADED.pop(digest, None)
    started = time.process_time()
    learning.load(blob, digest)
    assert time.process_time() - started < 0.3


def assess_text(model, subject: str, message: str):
    """The version's whole assessment of one enquiry arriving at ``ARRIVED``."""
    return selectors.reader_for(model).assess(
        Enquiry(subject=subject, message=message, arrived_at=ARRIVED)
    )


def test_the_position_classifier_reads_someone_only_planning_ahead(demo_model):
    assessment = assess_text(
        demo_model,
        "Lease extension",
        "Roughly what would you charge for a lease extension? The flat has about "
        "85 years left. Just planning ahead, we might not do it for a year or two.",
    )
    assert str(assessment.decision_position) == "researching"
    line = next(line for line in assessment.basis if "position classifier" in line)
    assert "Just planning ahead" in line and "the wording rules alone read decision maker" in line
    assert str(assessment.tier) == "C"


@pytest.fixture
def unfrozen():
    """process_warm freezes the test process's objects; give them back to the collector."""
    import gc

    yield
    gc.unfreeze()


def test_a_process_warmed_at_start_has_the_active_classifiers_loaded(demo_model, unfrozen):
    from leadtrack.startup import process_warm

    learning._LOADED.clear()
    process_warm("web")
    assert learning.loaded(demo_model.classifier_digest) is not None


def test_a_warmed_process_keeps_what_it_loaded_out_of_full_collections(demo_model, unfrozen):
    """Everything alive once warm (Django, the libraries, the classifiers) is frozen, so a
    full collection later walks only what requests and tasks created since."""
    import gc

    from leadtrack.startup import process_warm

    gc.unfreeze()
    process_warm("web")
    frozen = gc.get_freeze_count()
    assert frozen > 50_000
    tracked_after = len(gc.get_objects())
    assert tracked_after < frozen / 10


def test_warming_before_the_database_is_migrated_does_not_stop_the_process(
    monkeypatch, caplog, unfrozen
):
    from django.db import OperationalError

    from leadtrack.startup import process_warm

    def unmigrated():
        raise OperationalError("no such table: qualification_qualificationmodel")

    monkeypatch.setattr(selectors, "active_reader_warm", unmigrated)
    process_warm("worker")
    assert "not warmed" in caplog.text


def test_the_tier_and_urgency_classifiers_are_trained_stored_and_read(trained):
    assert trained.little_work is not None and trained.urgency is not None
    assert trained.report["little_work"] > 0 and trained.report["urgent"] > 0
    blob, digest = learning.dump(trained)
    learning._LOADED.pop(digest, None)
    again = learning.load(blob, digest)
    enquiry = Enquiry(
        subject="Quick question",
        message="Just a quick question, is it true Premium Bond prizes are tax free? Thanks.",
        arrived_at=ARRIVED,
    )
    first, second = trained.read(enquiry), again.read(enquiry)
    assert 0.0 <= first.little_work <= 1.0 and 0.0 <= first.urgent <= 1.0
    assert (first.little_work, first.urgent) == (second.little_work, second.urgent)


def test_a_version_stored_before_the_tier_classifier_reads_with_the_rules_alone(trained):
    stored = {
        "format": 4,
        "features": trained.features,
        "area": trained.area,
        "genuine": trained.genuine,
        "kind": trained.kind,
        "scope": trained.scope,
        "position": trained.position,
    }
    import hashlib
    import pickle
    import zlib

    blob = learning.MAGIC + zlib.compress(pickle.dumps(stored, protocol=5), 1)
    older = learning.load(blob, hashlib.sha256(blob).hexdigest())
    enquiry = Enquiry(subject="Will", message="I would like to make a will.", arrived_at=ARRIVED)
    reading = older.read(enquiry)
    assert older.little_work is None and older.urgency is None
    assert reading.little_work == 0.0 and reading.urgent == 0.0


def test_the_tier_classifier_reads_a_general_question_needing_no_work_as_c(demo_model):
    assessment = assess_text(
        demo_model,
        "Quick question",
        "Hi, just a quick question really. Do I have to pay tax on my Premium "
        "Bond winnings? I won £50 last month. Thanks, Jean",
    )
    assert str(assessment.tier) == "C"
    assert assessment.basis[0].startswith("Tier C: read as worth less than the fees")


def test_the_urgency_classifier_reads_an_emergency_the_wording_rules_miss(demo_model):
    assessment = assess_text(
        demo_model,
        "Please help",
        "My ex has told our daughter (7) she is going to live with his family in "
        "Lahore and he has her passport. There is no court order. I am terrified he will "
        "take her and not bring her back. Please call me, 07700 900412. Amina",
    )
    assert str(assessment.urgency) == "high"
    assert any(
        line.startswith("Urgent: read as an emergency by the urgency classifier")
        for line in assessment.basis
    )
    assert str(assessment.tier) == "A"


def test_finding_no_area_in_another_language_does_not_make_it_misdirected_mail():
    reading = learning.LearnedReading(
        area_slug=None,
        area_margin=0.0,
        best="unclassified",
        area_score=-1.2,
        area_evidence=[],
        runner_up=None,
        not_an_enquiry=0.3,
        not_an_enquiry_evidence=[],
    )
    assert reading.reads_as_no_work and not reading.is_enquiry
    reading.other_language = True
    assert not reading.reads_as_no_work and reading.is_enquiry


def test_a_genuine_enquiry_in_polish_is_not_disqualified(demo_model):
    assessment = assess_text(
        demo_model,
        "Księgowość",
        "Dzień dobry, jestem dyrektorem firmy budowlanej. Potrzebujemy biura "
        "rachunkowego do rocznego sprawozdania finansowego, CT600 i VAT. Obroty około "
        "1,1 mln funtów. Proszę o kontakt. Tomasz Nowak",
    )
    assert not assessment.is_disqualified
    assert any("Polish" in line for line in assessment.basis)
