"""The public enquiry form at ``/enquire/``: captured as a ``web_form`` lead.

Thin presentation over ``leads.services.lead_capture``: a per-address rate limit
(django-ratelimit on Django's cache), a honeypot, server-side validation, then capture.
The form and its thank-you page may be shown in an iframe on the firm's website.
"""

from csp.decorators import csp_replace
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage

from firm.selectors import firm_profile
from leads.choices import Channel
from leads.services import ContactDetails, lead_capture
from leadtrack.public.client_address import client_address, rate_limit_key
from leadtrack.public.forms import CONSENT_TEXT, HOW_HEARD_CHOICES, EnquiryForm

# The form may be framed by the firm's own website only (Content-Security-Policy).
embeddable = csp_replace({"frame-ancestors": settings.LEADTRACK_FRAME_ANCESTORS})

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
# Where the enquirer came from: the embedding page passes these (see docs/channels.md).
ORIGIN_KEYS = ("referrer", "page")
TRACKING_KEYS = UTM_KEYS + ORIGIN_KEYS
# The thank-you page shows the reference it is handed, signed so that nobody can make the
# page show another (no cookie, so it works inside an iframe), for this long.
THANKS_SALT = "leadtrack.public.enquiry-thanks"
THANKS_MAX_AGE_SECONDS = 3600


def _thanks_redirect(reference: str | None) -> HttpResponse:
    url = reverse("enquiry-thanks")
    if reference:
        url += "?ref=" + signing.dumps(reference, salt=THANKS_SALT, compress=True)
    return redirect(url)


def _rate_limit_usage(request: HttpRequest) -> dict | None:
    return get_usage(
        request,
        group="enquiry-form",
        key=rate_limit_key,
        rate=(
            settings.LEADTRACK_ENQUIRY_RATE_LIMIT,
            settings.LEADTRACK_ENQUIRY_RATE_WINDOW_SECONDS,
        ),
        method="POST",
        increment=True,
    )


def _tracking(request: HttpRequest) -> dict[str, str]:
    """UTM parameters and referrer: from the post (hidden fields), else the page's URL,
    else (referrer only) the Referer header of the form page itself."""
    values = {}
    for key in TRACKING_KEYS:
        value = request.POST.get(key) or request.GET.get(key) or ""
        if value:
            values[key] = " ".join(value.split())[:500]
    if "referrer" not in values and request.method == "GET":
        referer = request.META.get("HTTP_REFERER", "")
        if referer:
            values["referrer"] = referer[:500]
    return values


def _render_form(request: HttpRequest, form: EnquiryForm, *, status: int) -> HttpResponse:
    return render(
        request,
        "public/enquire.html",
        {
            "form": form,
            "tracking": _tracking(request),
            "response_promise": firm_profile().response_promise,
        },
        status=status,
    )


@xframe_options_exempt
@embeddable
@require_http_methods(["GET", "POST"])
def enquire(request: HttpRequest) -> HttpResponse:
    """Show the enquiry form; on a valid post capture the lead and thank the enquirer."""
    if request.method == "GET":
        return _render_form(request, EnquiryForm(), status=200)

    usage = _rate_limit_usage(request)
    if usage is not None and usage["should_limit"]:
        response = render(
            request,
            "public/rate_limited.html",
            {"retry_minutes": max(1, -(-max(usage["time_left"], 0) // 60))},
            status=429,
        )
        response["Retry-After"] = str(max(usage["time_left"], 1))
        return response

    form = EnquiryForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form, status=400)
    if form.is_bot:
        return _thanks_redirect(None)

    values = form.cleaned_data
    tracking = _tracking(request)
    heard = dict(HOW_HEARD_CHOICES).get(values["how_heard"], "") if values["how_heard"] else ""
    try:
        capture = lead_capture(
            channel=Channel.WEB_FORM,
            contact=ContactDetails(
                name=values["name"],
                email=values["email"],
                phone=values["phone"],
                organisation=values["organisation"],
            ),
            message=values["message"],
            source=tracking.get("utm_source") or heard or "Website enquiry form",
            utm=tracking,
            consent=values["consent"],
            consent_text=CONSENT_TEXT,
            provider="web_form",
            # The key the form was shown with: the same page posted twice is one lead.
            external_id=str(values["submission_key"]) if values["submission_key"] else None,
            practice_area_hint=values["practice_area"],
            payload={
                "fields": {
                    key: value
                    for key, value in request.POST.items()
                    if key not in ("csrfmiddlewaretoken", "website")
                },
                "how_heard": heard,
                "client_address": client_address(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            },
        )
    except ValidationError as exc:
        for field, problems in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _render_form(request, form, status=400)
    return _thanks_redirect(capture.lead.reference)


@xframe_options_exempt
@embeddable
def enquiry_thanks(request: HttpRequest) -> HttpResponse:
    """Thank the enquirer, with their reference (when the link carries a valid one) and
    the firm's phone number."""
    reference = ""
    try:
        reference = signing.loads(
            request.GET.get("ref", ""), salt=THANKS_SALT, max_age=THANKS_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        reference = ""
    profile = firm_profile()
    return render(
        request,
        "public/enquiry_thanks.html",
        {
            "reference": reference if isinstance(reference, str) else "",
            "firm_phone": profile.phone,
            "response_promise": profile.response_promise,
        },
    )


@xframe_options_exempt
@embeddable
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused enquiry form gets a page its sender can act on; elsewhere Django's."""
    if request.path.startswith("/enquire/"):
        return render(
            request,
            "public/csrf_failure.html",
            {"form_url": request.build_absolute_uri(request.path)},
            status=403,
        )
    return django_csrf_failure(request, reason=reason)
