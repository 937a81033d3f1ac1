"""Outbound email: queued as a row first, sent by a retried task, logged on the timeline.

Every email Leadtrack sends (acknowledgements, briefs, escalations, digests) goes through
``outbound_email_queue``, or ``outbound_emails_queue_many`` when one operation queues many
emails of one template (the escalation sweep). The row's unique ``dedupe_key`` means a
retried step cannot queue the same email twice, and the send task skips an email already
sent. Sending uses Django's mail system, so any backend (files, SMTP, an anymail ESP) works.

Every email is the firm's: From is its name (or a person's name at the firm) at the
profile's sending address, Reply-To that address, and every template gets the profile
(``firm``) for its footer. Subjects and text bodies are rendered without HTML escaping
(they are plain text: "R&D tax credits" stays as written); HTML bodies are escaped.
"""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from firm.selectors import firm_profile
from leads.choices import ActivityKind, EmailKind, EmailState
from leads.models import Lead, OutboundEmail
from leads.services.activity import activity_record

logger = logging.getLogger(__name__)


def message_id_domain() -> str:
    """The domain in our Message-IDs: the sending address's, so replies thread back."""
    return firm_profile().email.rsplit("@", 1)[-1] or "leadtrack.local"


def email_context(context: dict[str, Any]) -> dict[str, Any]:
    """A template's context with the firm's profile (for the footer) and the site URL."""
    profile = firm_profile()
    return {"firm": profile, "firm_name": profile.name, "site_url": settings.SITE_URL, **context}


def render_plain(template, context: dict[str, Any]) -> str:
    """A loaded Django template rendered as plain text: no HTML escaping."""
    return template.template.render(Context(context, autoescape=False))


def render_subject(template, context: dict[str, Any]) -> str:
    """A subject line: plain text on one line, at most 300 characters."""
    return " ".join(render_plain(template, context).split())[:300]


def lead_message_id(*, lead: Lead | None, kind: str) -> str:
    """A Message-ID that names the lead, so a reply's In-Reply-To finds it again."""
    token = uuid.uuid4().hex[:12]
    ref = lead.reference if lead is not None and lead.reference else "leadtrack"
    return make_msgid(idstring=f"{ref}.{kind}.{token}", domain=message_id_domain())


def outbound_email_queue(
    *,
    kind: EmailKind,
    to: Sequence[str],
    template: str,
    context: dict[str, Any],
    dedupe_key: str,
    lead: Lead | None = None,
    activity_kind: ActivityKind | str = "",
    reply_to: Sequence[str] = (),
    in_reply_to: str = "",
    references: Sequence[str] = (),
    send_here: bool = False,
) -> OutboundEmail:
    """Queue one email (rendered now from ``templates/<template>_{subject,body}``) and
    send it after commit; a second call with the same ``dedupe_key`` returns the first.

    By default a worker sends it (a task queued after commit). ``send_here`` sends it in
    this process right after commit instead, for a worker that should not wait for the
    broker's second delivery (the owner's brief, right after routing); if that send fails
    the task takes it over, with its retries, and the safety net covers the rest.
    """
    existing = OutboundEmail.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    context = email_context(context)
    subject = render_subject(get_template(f"{template}_subject.txt"), context)
    body_text = render_plain(get_template(f"{template}_body.txt"), context)
    body_html = get_template(f"{template}_body.html").render(context)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                lead=lead,
                kind=kind,
                dedupe_key=dedupe_key,
                to=list(to),
                subject=subject,
                body_text=body_text,
                body_html=body_html,
                message_id=lead_message_id(lead=lead, kind=kind),
                in_reply_to=in_reply_to,
                references=list(references),
                reply_to=list(reply_to),
                activity_kind=activity_kind,
            )
    except IntegrityError:
        return OutboundEmail.objects.get(dedupe_key=dedupe_key)
    after = outbound_email_send_here if send_here else outbound_email_enqueue
    transaction.on_commit(lambda: after(email_id=email.pk), robust=True)
    return email


@dataclass(frozen=True)
class EmailDraft:
    """One email for ``outbound_emails_queue_many``: who gets it, its template context and
    its dedupe key (the rest as in ``outbound_email_queue``)."""

    to: Sequence[str]
    context: dict[str, Any]
    dedupe_key: str
    lead: Lead | None = None
    reply_to: Sequence[str] = field(default=())
    in_reply_to: str = ""


def outbound_emails_queue_many(
    *,
    kind: EmailKind,
    template: str,
    drafts: Sequence[EmailDraft],
    activity_kind: ActivityKind | str = "",
) -> list[OutboundEmail]:
    """Queue many emails of one template with one INSERT and send each after commit; as
    with ``outbound_email_queue``, a dedupe key already queued returns that email.

    Returns the emails in the order of ``drafts``. The three templates are loaded once and
    each email is rendered once.
    """
    keys = [draft.dedupe_key for draft in drafts]
    if len(set(keys)) != len(keys):
        raise ValueError("Each email queued together needs its own dedupe_key.")
    if not keys:
        return []
    queued = OutboundEmail.objects.in_bulk(keys, field_name="dedupe_key")
    subject_template = get_template(f"{template}_subject.txt")
    text_template = get_template(f"{template}_body.txt")
    html_template = get_template(f"{template}_body.html")
    firm = email_context({})
    new = []
    for draft in drafts:
        if draft.dedupe_key in queued:
            continue
        context = {**firm, **draft.context}
        new.append(
            OutboundEmail(
                lead=draft.lead,
                kind=kind,
                dedupe_key=draft.dedupe_key,
                to=list(draft.to),
                subject=render_subject(subject_template, context),
                body_text=render_plain(text_template, context),
                body_html=html_template.render(context),
                message_id=lead_message_id(lead=draft.lead, kind=kind),
                in_reply_to=draft.in_reply_to,
                reply_to=list(draft.reply_to),
                activity_kind=activity_kind,
            )
        )
    try:
        with transaction.atomic():
            created = OutboundEmail.objects.bulk_create(new)
    except IntegrityError:
        # Another transaction queued one of these keys since we looked: one at a time,
        # each returning the email already queued under its key.
        return [
            outbound_email_queue(
                kind=kind,
                to=draft.to,
                template=template,
                context=draft.context,
                dedupe_key=draft.dedupe_key,
                lead=draft.lead,
                activity_kind=activity_kind,
                reply_to=draft.reply_to,
                in_reply_to=draft.in_reply_to,
            )
            for draft in drafts
        ]
    for email in created:
        transaction.on_commit(
            lambda email_id=email.pk: outbound_email_enqueue(email_id=email_id), robust=True
        )
        queued[email.dedupe_key] = email
    return [queued[key] for key in keys]


def outbound_email_send_here(*, email_id: int) -> None:
    """Send a queued email in this process now; if the mail backend fails (or anything
    else does), hand it to the sending task, which retries with backoff."""
    try:
        state = outbound_email_send(email_id=email_id).state
    except Exception:
        logger.exception("Email %s not sent in process; the sending task takes it over.", email_id)
        state = EmailState.QUEUED
    if state == EmailState.QUEUED:
        outbound_email_enqueue(email_id=email_id)


def outbound_email_enqueue(*, email_id: int) -> None:
    from leads.tasks import outbound_email_send as send_task

    send_task.delay(email_id=email_id)


@transaction.atomic
def outbound_email_send(*, email_id: int) -> OutboundEmail:
    """Send a queued email once; an email already sent is left alone. A failed send is
    recorded on the row (still queued until five attempts, then failed) and returned."""
    email = (
        OutboundEmail.objects.select_for_update(of=("self",))
        .select_related("lead")
        .get(pk=email_id)
    )
    if email.state in (EmailState.SENT, EmailState.DRAFT):
        return email
    message = email_message(email)
    email.attempts += 1
    try:
        message.send(fail_silently=False)
    except Exception as exc:
        email.state = EmailState.FAILED if email.attempts >= 5 else EmailState.QUEUED
        email.error = f"{type(exc).__name__}: {exc}"[:2000]
        email.save(update_fields=["state", "attempts", "error"])
        return email
    now = timezone.now()
    email.state = EmailState.SENT
    email.sent_at = now
    email.error = ""
    email.save(update_fields=["state", "attempts", "sent_at", "error"])
    if email.lead is not None and email.kind == EmailKind.REPLY:
        from leads.services.replies import reply_record_sent

        reply_record_sent(email=email, at=now)
    elif email.lead is not None and email.activity_kind:
        activity_record(
            lead=email.lead,
            kind=email.activity_kind,
            summary=f"{email.get_kind_display()} emailed to {', '.join(email.to)}",
            at=now,
            data={"outbound_email_id": email.pk, "message_id": email.message_id},
        )
    return email


def email_message(email: OutboundEmail) -> EmailMultiAlternatives:
    """The message as it goes out: From the firm (or a person at the firm), Reply-To the
    firm's address, threaded by In-Reply-To and References, with its attachments."""
    profile = firm_profile()
    headers = {"Message-ID": email.message_id}
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
        headers["References"] = " ".join(email.references or [email.in_reply_to])
    if email.lead is not None and email.lead.reference:
        headers["X-Leadtrack-Reference"] = email.lead.reference
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=profile.from_address(email.from_name),
        to=email.to,
        reply_to=email.reply_to or [profile.email],
        headers=headers,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments.all():
        with attachment.file.open("rb") as handle:
            message.attach(attachment.filename, handle.read(), attachment.content_type)
    return message


def outbound_email_resend_stalled(*, older_than_seconds: int = 120) -> int:
    """Re-enqueue queued emails whose send task never ran (a lost broker message)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        OutboundEmail.objects.filter(state=EmailState.QUEUED, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    for email_id in ids:
        outbound_email_enqueue(email_id=email_id)
    return len(ids)
