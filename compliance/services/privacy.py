"""UK GDPR: the lawful basis recorded per lead, the retention schedule (anonymise or
delete closed leads by outcome, a dry run first, every run logged), erasure on request,
and subject access. Personal data in the leads app's tables is removed through its
services (``lead_anonymise``, ``lead_delete``, ``contact_erase``), in qualification's
through ``qualification_result_redact``; compliance removes it from its own tables."""

import hashlib
from collections import Counter
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from compliance import signals
from compliance.choices import LawfulBasisKind, RecordKind, RetentionAction
from compliance.models import (
    ConflictCheck,
    ConflictDecision,
    ConflictIndexEntry,
    ConflictMatch,
    DueDiligence,
    ErasureRecord,
    LawfulBasis,
    Party,
    RetainedLead,
    RetentionPolicy,
    RetentionRun,
    SubjectAccessRequest,
)
from leads.choices import Channel
from leads.models import Contact, Lead
from leads.services import contact_erase, lead_anonymise, lead_delete
from qualification.services import qualification_result_redact

LEGITIMATE_INTERESTS = "Legitimate interests: responding to an enquiry"
REMOVED = "(removed)"
# The channels on which the enquirer gives consent with the enquiry.
CONSENT_CHANNELS = frozenset({Channel.WEB_FORM, Channel.API})


def consent_version(text: str) -> str:
    """A short digest of the consent wording: a new wording is a new version."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:12] if text else ""


@transaction.atomic
def lawful_basis_record(*, lead: Lead) -> LawfulBasis:
    """Record, once, the lawful basis the lead's channel gives: the consent the enquirer
    gave (with its wording and version), or legitimate interests in replying."""
    existing = LawfulBasis.objects.filter(lead=lead).first()
    if existing is not None:
        return existing
    if lead.channel in CONSENT_CHANNELS and lead.consent:
        basis, description = LawfulBasisKind.CONSENT, "Consent given with the enquiry"
        if lead.consent_text:
            description += f" (wording version {consent_version(lead.consent_text)})"
    else:
        basis, description = LawfulBasisKind.LEGITIMATE_INTERESTS, LEGITIMATE_INTERESTS
    return LawfulBasis.objects.create(
        lead=lead,
        basis=basis,
        description=description,
        channel=lead.channel,
        consent_given=lead.consent,
        consent_text=lead.consent_text,
        consent_version=consent_version(lead.consent_text),
    )


# -- removing a person from compliance's own tables ---------------------------------------


def _log_entries_blank(model, ids) -> int:
    content_type = ContentType.objects.get_for_model(model)
    return LogEntry.objects.filter(
        content_type=content_type, object_id__in=[str(i) for i in ids]
    ).update(object_repr=REMOVED, change_message="")


def _compliance_scrub(*, leads: list[Lead], contact_ids: set[int]) -> Counter:
    """Remove names from compliance's rows about these leads and contacts; the checks and
    decisions stay (what was decided, by whom, when), their words go."""
    counts: Counter = Counter()
    lead_ids = [lead.pk for lead in leads]
    party_ids = list(Party.objects.filter(lead_id__in=lead_ids).values_list("pk", flat=True))
    held = Q(
        record_kind__in=[RecordKind.CONTACT, RecordKind.ORGANISATION], record_id__in=contact_ids
    )
    held |= Q(record_kind=RecordKind.PARTY, record_id__in=party_ids)
    counts["conflict index entries"] += ConflictIndexEntry.objects.filter(held).delete()[0]
    counts["conflict matches"] += ConflictMatch.objects.filter(
        Q(check_run__lead_id__in=lead_ids) | held
    ).update(searched=REMOVED, record_label=REMOVED, matched_name="", reasons=[])
    ConflictCheck.objects.filter(lead_id__in=lead_ids).update(names_checked=[])
    ConflictDecision.objects.filter(lead_id__in=lead_ids).exclude(note="").update(note="")
    _log_entries_blank(Party, party_ids)
    counts["parties"] += Party.objects.filter(pk__in=party_ids).delete()[0]
    _log_entries_blank(Contact, contact_ids)
    return counts


def _due_diligence_kept(*, lead: Lead, on: date) -> DueDiligence | None:
    """The lead's due diligence record if the Money Laundering Regulations still require
    it to be kept on ``on`` (until five years after the relationship ended)."""
    record = DueDiligence.objects.filter(lead=lead).first()
    if record is None:
        return None
    keep_until = record.keep_until
    return record if keep_until is None or keep_until > on else None


# -- the retention schedule ------------------------------------------------------------


def _policy_leads(policy: RetentionPolicy, *, as_of: datetime, claimed: set[int]) -> list[Lead]:
    leads = Lead.objects.filter(
        status=policy.outcome, closed_at__lte=as_of - timedelta(days=policy.after_days)
    ).exclude(pk__in=RetainedLead.objects.values("lead_id"))
    if policy.reason_contains:
        leads = leads.filter(closed_reason__icontains=policy.reason_contains)
    on = timezone.localdate(as_of)
    chosen = []
    for lead in leads.select_related("contact").order_by("closed_at", "pk"):
        if lead.pk in claimed or _due_diligence_kept(lead=lead, on=on) is not None:
            continue
        chosen.append(lead)
    return chosen


VERBS = {
    RetentionAction.ANONYMISE: "anonymised",
    RetentionAction.DELETE: "deleted",
    RetentionAction.KEEP: "kept",
}


def retention_run(
    *, as_of: datetime | None = None, dry_run: bool = False, actor: AbstractBaseUser | None = None
) -> RetentionRun:
    """Apply each active retention policy (in order; a lead follows the first that fits)
    to the leads closed long enough ago on ``as_of`` (default now), leaving any whose due
    diligence must still be kept; a dry run only reports. Every run is logged."""
    as_of = as_of or timezone.now()
    if timezone.is_naive(as_of):
        raise ValidationError("The retention date must be aware (include its time zone).")
    claimed: set[int] = set()
    plan = []
    for policy in RetentionPolicy.objects.filter(active=True).order_by("order", "pk"):
        leads = _policy_leads(policy, as_of=as_of, claimed=claimed)
        claimed.update(lead.pk for lead in leads)
        plan.append((policy, leads))
    with transaction.atomic():
        run = RetentionRun.objects.create(as_of=as_of, dry_run=dry_run, actor=actor)
        results = []
        for policy, leads in plan:
            results.append(
                {
                    "policy": policy.name,
                    "action": policy.action,
                    "verb": VERBS[policy.action],
                    "count": len(leads),
                    "references": [lead.reference or str(lead.pk) for lead in leads][:500],
                }
            )
            if dry_run or policy.action == RetentionAction.KEEP:
                continue
            for lead in leads:
                _retain(lead=lead, policy=policy, run=run)
        run.results = results
        run.save(update_fields=["results"])
    return run


def _retain(*, lead: Lead, policy: RetentionPolicy, run: RetentionRun) -> None:
    RetainedLead.objects.create(
        lead_id=lead.pk, reference=lead.reference or "", action=policy.action,
        policy_name=policy.name, run=run,
    )  # fmt: skip
    _compliance_scrub(leads=[lead], contact_ids=set())
    if policy.action == RetentionAction.DELETE:
        DueDiligence.objects.filter(lead=lead).delete()  # past its keep date (checked)
        lead_delete(lead=lead)
        return
    qualification_result_redact(lead=lead)
    lead_anonymise(lead=lead)
    signals.person_removed.send(sender=RetainedLead, lead_ids=[lead.pk])
    if not Lead.objects.filter(contact_id=lead.contact_id).exclude(subject="", message="").exists():
        _compliance_scrub(leads=[], contact_ids={lead.contact_id})


# -- erasure and subject access ----------------------------------------------------------


@transaction.atomic
def contact_erasure(
    *, contact: Contact, request: str, requested_on: date, actor: AbstractBaseUser
) -> ErasureRecord:
    """Erase the person across every lead, message, attachment, email sent and raw
    payload, and record that it was done (when, by whom, on what request), not what."""
    request = " ".join((request or "").split())
    if not request:
        raise ValidationError({"request": "Say what request this erasure answers."})
    if requested_on is None or requested_on > timezone.localdate():
        raise ValidationError({"requested_on": "Give the date the request was received."})
    leads = list(Lead.objects.filter(contact=contact).order_by("pk"))
    kept = [
        f"Client due diligence for {lead.reference}: kept under the Money Laundering "
        f"Regulations 2017 until {record.keep_until:%d %B %Y}"
        if record.keep_until
        else f"Client due diligence for {lead.reference}: kept under the Money Laundering "
        "Regulations 2017 until five years after the relationship ends"
        for lead in leads
        if (record := _due_diligence_kept(lead=lead, on=timezone.localdate())) is not None
    ]
    counts = _compliance_scrub(leads=leads, contact_ids={contact.pk})
    for lead in leads:
        counts["qualification results"] += qualification_result_redact(lead=lead)
        _log_entries_blank(Lead, [lead.pk])
    counts.update(contact_erase(contact=contact))
    signals.person_removed.send(sender=ErasureRecord, lead_ids=[lead.pk for lead in leads])
    return ErasureRecord.objects.create(
        contact_id=contact.pk,
        request=request[:300],
        requested_on=requested_on,
        erased_by=actor,
        counts=dict(counts),
        kept="\n".join(kept),
    )


def subject_access_due(received_on: date) -> date:
    """One calendar month after receipt (the ICO's rule: the same date next month, or the
    month's last day when it has no such date)."""
    return received_on + relativedelta(months=1)


@transaction.atomic
def subject_access_request_record(
    *, contact: Contact, request: str, received_on: date, actor: AbstractBaseUser
) -> SubjectAccessRequest:
    """Record a subject access request and export for it now (the export is dated)."""
    request = " ".join((request or "").split())
    if not request:
        raise ValidationError({"request": "Say what request this is (e.g. “email of 1 Dec”)."})
    if received_on is None or received_on > timezone.localdate():
        raise ValidationError({"received_on": "Give the date the request was received."})
    record = SubjectAccessRequest.objects.create(
        contact=contact,
        request=request[:300],
        received_on=received_on,
        due_on=subject_access_due(received_on),
        exported_at=timezone.now(),
        exported_by=actor,
    )
    signals.subject_access_requested.send(sender=SubjectAccessRequest, request=record, actor=actor)
    return record
