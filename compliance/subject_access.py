"""Subject access (UK GDPR article 15): everything held about a person gathered in one
place, as a document a person can read and as JSON, from the same data."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string
from django.utils import timezone

from compliance.models import DueDiligence, LawfulBasis, Party, SubjectAccessRequest
from leads.models import Activity, Contact, InboundMessage, Lead, OutboundEmail
from qualification.models import QualificationResult


def _when(value) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def subject_access_data(*, contact: Contact) -> dict:
    """The contact, their leads, messages in and out, timeline (notes, calls, meetings,
    assignments), qualification results with their basis, lawful basis, parties named
    and due diligence: every record held about the person."""
    leads = list(
        Lead.objects.filter(contact=contact).select_related("owner").order_by("arrived_at")
    )
    ids = [lead.pk for lead in leads]
    results = {r.lead_id: r for r in QualificationResult.objects.filter(lead_id__in=ids)}
    bases = {b.lead_id: b for b in LawfulBasis.objects.filter(lead_id__in=ids)}
    diligence = {d.lead_id: d for d in DueDiligence.objects.filter(lead_id__in=ids)}

    def lead_data(lead: Lead) -> dict:
        result, basis, record = results.get(lead.pk), bases.get(lead.pk), diligence.get(lead.pk)
        return {
            "reference": lead.reference,
            "arrived_at": _when(lead.arrived_at),
            "channel": lead.get_channel_display(),
            "source": lead.source,
            "subject": lead.subject,
            "message": lead.message,
            "status": lead.get_status_display(),
            "closed_reason": lead.closed_reason,
            "owner": lead.owner.get_full_name() if lead.owner else "",
            "assigned_at": _when(lead.assigned_at),
            "lawful_basis": basis.description if basis else "",
            "consent_text": lead.consent_text,
            "qualification": {
                "tier": result.override_tier or result.tier,
                "basis": result.basis,
                "recommended_action": result.recommended_action,
                "qualified_at": _when(result.qualified_at),
            }
            if result
            else None,
            "parties": [
                {"name": p.name, "role": p.get_role_display()}
                for p in Party.objects.filter(lead=lead)
            ],
            "due_diligence": {
                "identity_verified": record.get_identity_method_display(),
                "verified_at": _when(record.identity_verified_at),
                "risk_level": record.get_risk_level_display(),
                "risk_reasons": record.risk_reasons,
            }
            if record
            else None,
            "messages_received": [
                {
                    "received_at": _when(m.received_at),
                    "channel": m.get_channel_display(),
                    "subject": m.subject or m.payload.get("subject", ""),
                    "text": m.body_text or m.payload.get("message", "") or lead.message,
                }
                for m in InboundMessage.objects.filter(lead=lead).order_by("received_at")
            ],
            "emails_sent": [
                {
                    "sent_at": _when(e.sent_at or e.created_at),
                    "to": e.to,
                    "subject": e.subject,
                    "text": e.body_text,
                }  # fmt: skip
                for e in OutboundEmail.objects.filter(lead=lead).order_by("created_at")
            ],
            "timeline": [
                {"at": _when(a.at), "kind": a.get_kind_display(), "summary": a.summary}
                for a in Activity.objects.filter(lead=lead).order_by("at", "pk")
            ],
        }

    return {
        "contact": {
            "name": contact.name,
            "email": contact.email,
            "phone": contact.phone,
            "organisation": contact.organisation,
            "job_title": contact.job_title,
            "first_recorded": _when(contact.created_at),
        },
        "leads": [lead_data(lead) for lead in leads],
    }


def subject_access_files(*, request: SubjectAccessRequest, data: dict) -> dict[str, bytes]:
    """The export's files: a readable HTML document and the same data as JSON."""
    header = {
        "request": request.request,
        "received_on": request.received_on.isoformat(),
        "due_on": request.due_on.isoformat(),
        "exported_at": _when(request.exported_at),
    }
    document = render_to_string(
        "compliance/subject_access.html", {"request": request, "data": data}
    )
    payload = json.dumps({**header, **data}, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    return {"subject-access.html": document.encode(), "subject-access.json": payload.encode()}
