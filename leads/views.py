"""The admin's quick-entry pages for enquiries staff take themselves: a phone call and a
referral. Each shows a short form and captures through ``lead_capture`` with the member
of staff as the actor, so the timeline says who logged it."""

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from leads.choices import Channel
from leads.forms import PhoneEnquiryForm, ReferralEnquiryForm, StaffEnquiryForm
from leads.services import Capture, ContactDetails, lead_capture, referral_source_get_or_create


def _capture_from_form(
    request: HttpRequest, form: StaffEnquiryForm, *, channel: Channel, source: str, **extra
) -> Capture:
    values = form.cleaned_data
    return lead_capture(
        channel=channel,
        contact=ContactDetails(
            name=values["name"],
            email=values["email"],
            phone=values["phone"],
            organisation=values["organisation"],
        ),
        subject=values["subject"],
        message=values["message"],
        source=source,
        arrived_at=values["arrived_at"],
        provider="admin",
        external_id=f"{request.user.pk}:{values['submission_key']}",
        payload={
            key: str(value) if value is not None else ""
            for key, value in values.items()
            if key != "submission_key"
        },
        actor=request.user,
        **extra,
    )


def _done(request: HttpRequest, capture: Capture, *, what: str) -> HttpResponse:
    lead = capture.lead
    if capture.joined:
        text = f"{what} logged on {lead.reference}, the same matter ({capture.reason})."
    elif capture.created and capture.other_open_leads:
        others = ", ".join(other.reference for other in capture.other_open_leads)
        text = (
            f"{what} logged as {lead.reference}: a second enquiry from this contact, who "
            f"also has {others} open. Merge them if it is the same matter."
        )
    elif capture.created:
        text = f"{what} logged as {lead.reference}."
    else:
        text = f"{what} was already logged as {lead.reference}."
    messages.success(request, text)
    return redirect(reverse("admin:leads_lead_change", args=[lead.pk]))


def _render(
    request: HttpRequest, model_admin: ModelAdmin, form: StaffEnquiryForm, *, title: str
) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "leads/admin/log_enquiry.html", context)


def _apply_errors(form: StaffEnquiryForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, problems in exc.message_dict.items():
            target = "arrived_at" if field == "arrived_at" else field
            form.add_error(target if target in form.fields else None, problems)
    else:
        form.add_error(None, exc.messages)


def log_phone_enquiry(request: HttpRequest, model_admin: ModelAdmin) -> HttpResponse:
    """Log an enquiry taken on the phone as a ``phone`` lead."""
    if not request.user.has_perm("leads.add_lead"):
        raise PermissionDenied
    form = PhoneEnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            capture = _capture_from_form(
                request,
                form,
                channel=Channel.PHONE,
                source=form.cleaned_data["source"] or "Phone call",
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(request, capture, what="Phone enquiry")
    return _render(request, model_admin, form, title="Log a phone enquiry")


def log_referral(request: HttpRequest, model_admin: ModelAdmin) -> HttpResponse:
    """Log an introduction from a referrer as a ``referral`` lead linked to the referrer."""
    if not request.user.has_perm("leads.add_lead"):
        raise PermissionDenied
    form = ReferralEnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            with transaction.atomic():
                referrer = values["referral_source"] or referral_source_get_or_create(
                    name=values["new_referrer_name"],
                    kind=values["new_referrer_kind"],
                    organisation=values["new_referrer_organisation"],
                    email=values["new_referrer_email"],
                    relationship_owner=values["relationship_owner"],
                )
                capture = _capture_from_form(
                    request,
                    form,
                    channel=Channel.REFERRAL,
                    source=f"Referral: {referrer}",
                    referral_source=referrer,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            return _done(request, capture, what="Referral")
    return _render(request, model_admin, form, title="Log a referral")
