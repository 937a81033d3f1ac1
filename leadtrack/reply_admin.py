"""The reply box on the lead page: answer the enquirer from the tracker.

A fee earner picks a template (by practice area and stage, from ``followups.replies``),
edits the filled-in text, attaches files, and sends it or saves it as a draft; a failed
send is shown with its reason and can be retried. Presentation only: the email is
saved and sent by ``leads.services.replies``.

Wired into the lead admin by ``TrackerLeadMixin`` (two URLs and the page's context).
"""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from followups.replies import reply_template_fill, reply_templates_for
from leads.choices import EmailKind, EmailState
from leads.models import Lead, OutboundEmail
from leads.services.replies import ReplyFile, lead_reply_retry, lead_reply_save, reply_thread


class ReplyForm(forms.Form):
    subject = forms.CharField(max_length=300)
    body = forms.CharField(widget=forms.Textarea)
    draft = forms.IntegerField(required=False, widget=forms.HiddenInput)


def reply_urls(model_admin) -> list:
    """The reply box's URLs under the lead admin."""
    site = model_admin.admin_site
    return [
        path(
            "<int:object_id>/reply/",
            site.admin_view(lambda request, object_id: reply_view(model_admin, request, object_id)),
            name="leads_lead_reply",
        ),
        path(
            "<int:object_id>/reply/<int:email_id>/retry/",
            site.admin_view(
                lambda request, object_id, email_id: reply_retry_view(
                    model_admin, request, object_id, email_id
                )
            ),
            name="leads_lead_reply_retry",
        ),
    ]


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def reply_box_context(request: HttpRequest, lead: Lead) -> dict:
    """What the reply box shows: the templates on offer, and the text it starts with
    (a chosen template filled in, a draft being finished, or empty)."""
    templates = list(reply_templates_for(lead=lead))
    thread = reply_thread(lead=lead)
    subject, body, chosen, draft = thread.subject, "", None, None
    draft_id = _int(request.GET.get("reply_draft"))
    template_id = _int(request.GET.get("reply_template"))
    if draft_id is not None:
        draft = OutboundEmail.objects.filter(
            pk=draft_id, lead=lead, kind=EmailKind.REPLY, state=EmailState.DRAFT
        ).first()
    if draft is not None:
        subject, body = draft.subject, draft.body_text
    elif template_id is not None:
        chosen = next((t for t in templates if t.pk == template_id), None)
        if chosen is not None:
            filled = reply_template_fill(template=chosen, lead=lead, writer=request.user)
            subject, body = filled.subject or thread.subject, filled.body
    return {
        "url": reverse("admin:leads_lead_reply", args=[lead.pk]),
        "page_url": reverse("admin:leads_lead_change", args=[lead.pk]),
        "templates": templates,
        "chosen": chosen,
        "draft": draft,
        "subject": subject,
        "body": body,
        "to": lead.contact.email,
        "max_mb": settings.LEADTRACK_REPLY_ATTACHMENTS_MAX_BYTES / 1048576,
    }


def _files(request: HttpRequest) -> list[ReplyFile]:
    files = request.FILES.getlist("attachments")
    limit = settings.LEADTRACK_REPLY_ATTACHMENTS_MAX_BYTES
    too_big = [f.name for f in files if f.size > limit]
    if too_big:
        raise ValidationError(
            f"{', '.join(too_big)} is larger than {limit / 1048576:.1f} MB, the most one "
            "email may carry."
        )
    return [
        ReplyFile(
            filename=f.name,
            content_type=f.content_type or "application/octet-stream",
            data=f.read(),
        )
        for f in files
    ]


def reply_view(model_admin, request: HttpRequest, object_id: int):
    """Send the reply, or save it as a draft, then go back to the lead page."""
    lead = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    if request.method != "POST" or not model_admin.has_change_permission(request, lead):
        raise PermissionDenied
    page = reverse("admin:leads_lead_change", args=[lead.pk])
    form = ReplyForm(request.POST)
    send = request.POST.get("action") != "draft"
    try:
        if not form.is_valid():
            problems = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
            raise ValidationError(" ".join(problems))
        draft = None
        if form.cleaned_data["draft"]:
            draft = get_object_or_404(
                OutboundEmail, pk=form.cleaned_data["draft"], lead=lead, kind=EmailKind.REPLY
            )
        email = lead_reply_save(
            lead=lead,
            actor=request.user,
            subject=form.cleaned_data["subject"],
            text=form.cleaned_data["body"],
            files=_files(request),
            draft=draft,
            send=send,
        )
    except ValidationError as exc:
        model_admin.message_user(request, " ".join(exc.messages), messages.ERROR)
        return HttpResponseRedirect(page + "#reply-box")
    if send:
        email.refresh_from_db(fields=["state", "error"])
        if email.state == EmailState.SENT:
            done = f"Reply sent to {', '.join(email.to)}."
        elif email.error:
            model_admin.message_user(
                request, f"The reply could not be sent yet: {email.error}", messages.WARNING
            )
            return HttpResponseRedirect(page + "#conversation")
        else:
            done = f"Reply to {', '.join(email.to)} is being sent."
    else:
        done = "Draft saved; finish it from Messages out."
    model_admin.message_user(request, done, messages.SUCCESS)
    return HttpResponseRedirect(page + "#conversation")


def reply_retry_view(model_admin, request: HttpRequest, object_id: int, email_id: int):
    """Try a failed reply again."""
    lead = get_object_or_404(model_admin.get_queryset(request), pk=object_id)
    if request.method != "POST" or not model_admin.has_change_permission(request, lead):
        raise PermissionDenied
    email = get_object_or_404(OutboundEmail, pk=email_id, lead=lead)
    try:
        lead_reply_retry(email=email, actor=request.user)
    except ValidationError as exc:
        model_admin.message_user(request, " ".join(exc.messages), messages.ERROR)
    else:
        email.refresh_from_db(fields=["state", "error"])
        if email.state == EmailState.SENT:
            model_admin.message_user(request, "Sent.", messages.SUCCESS)
        else:
            model_admin.message_user(
                request, f"Still not sent: {email.error or 'queued'}", messages.WARNING
            )
    return HttpResponseRedirect(
        reverse("admin:leads_lead_change", args=[lead.pk]) + "#conversation"
    )
