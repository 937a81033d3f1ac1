"""The public enquiry form at ``/enquire/``: captured as a ``web_form`` lead."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from leads.choices import Channel
from leads.forms import CONSENT_TEXT, HOW_HEARD_CHOICES, EnquiryForm
from leads.services import ContactDetails, lead_capture

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")


@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def enquire(request: HttpRequest) -> HttpResponse:
    """Show the enquiry form; on a valid post capture the lead and thank the enquirer."""
    form = EnquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            return redirect("enquiry-thanks")
        values = form.cleaned_data
        utm = {key: request.POST.get(key, "")[:200] for key in UTM_KEYS if request.POST.get(key)}
        heard = dict(HOW_HEARD_CHOICES).get(values["how_heard"], "")
        try:
            lead_capture(
                channel=Channel.WEB_FORM,
                contact=ContactDetails(
                    name=values["name"],
                    email=values["email"],
                    phone=values["phone"],
                    organisation=values["organisation"],
                ),
                message=values["message"],
                source=utm.get("utm_source") or heard or "Website enquiry form",
                utm=utm,
                consent=values["consent"],
                consent_text=CONSENT_TEXT,
                provider="web_form",
                payload={
                    key: request.POST.get(key, "")
                    for key in request.POST
                    if key not in ("csrfmiddlewaretoken", "website")
                },
            )
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            return redirect("enquiry-thanks")
    return render(
        request,
        "leads/enquire.html",
        {
            "form": form,
            "utm": {key: request.GET.get(key, request.POST.get(key, "")) for key in UTM_KEYS},
            "response_promise": settings.LEADTRACK_RESPONSE_PROMISE,
        },
        status=400 if request.method == "POST" else 200,
    )


@xframe_options_exempt
def enquiry_thanks(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "leads/enquiry_thanks.html",
        {"response_promise": settings.LEADTRACK_RESPONSE_PROMISE},
    )
