"""The pages a person works from each day, in the admin site: *My day* and the pipeline
board. Presentation only: reads through ``leadtrack.my_day`` and ``leadtrack.board``
(which read through ``leadtrack.access``), writes through the leads and follow-ups
services. Wired into the admin site by ``LeadtrackAdminSite.get_urls``."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from followups.models import FollowUp
from followups.selectors import followup_list
from followups.services import followup_complete, followup_snooze
from leads.choices import Status
from leads.money import pounds
from leads.services import lead_change_status, lead_log_call, lead_log_meeting
from leadtrack.access import visible_followups, visible_leads
from leadtrack.board import board_build, board_reason
from leadtrack.lead_admin import contact_log_arguments, contact_logged_message
from leadtrack.my_day import my_day_build

WORK_ON_LEADS = "leads.change_lead"
WORK_ON_FOLLOWUPS = "followups.change_followup"


def _require(request: HttpRequest, permission: str) -> None:
    if request.method != "POST" or not request.user.has_perm(permission):
        raise PermissionDenied


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on (its filters kept), never to another site."""
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return HttpResponseRedirect(target if target and safe else default)


def _report(request: HttpRequest, action) -> None:
    try:
        level, text = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.add_message(request, level, text)


# -- My day -----------------------------------------------------------------------------


def my_day(request: HttpRequest, site) -> HttpResponse:
    if not request.user.has_perm("leads.view_lead"):
        raise PermissionDenied
    context = {
        **site.each_context(request),
        "title": "My day",
        "day": my_day_build(user=request.user),
        "may_work": request.user.has_perm(WORK_ON_LEADS),
        "may_complete": request.user.has_perm(WORK_ON_FOLLOWUPS),
        "here": reverse("admin:my_day"),
    }
    return TemplateResponse(request, "admin/leadtrack/my_day.html", context)


def my_day_contact(request: HttpRequest, site, lead_id: int, kind: str) -> HttpResponse:
    """Log a call or meeting (with its outcome) from My day; it completes the follow-up
    it satisfies and the outcome decides what comes next."""
    _require(request, WORK_ON_LEADS)
    if kind not in ("call", "meeting"):
        raise PermissionDenied(f"“{kind}” is not a contact that can be logged.")
    lead = get_object_or_404(visible_leads(request.user), pk=lead_id)
    service, label = (lead_log_meeting, "Meeting") if kind == "meeting" else (lead_log_call, "Call")

    def log():
        entry = service(lead=lead, actor=request.user, **contact_log_arguments(request.POST))
        level, text = contact_logged_message(entry, label)
        return level, f"{lead.reference}: {text}"

    _report(request, log)
    return _back(request, reverse("admin:my_day"))


def my_day_followup(request: HttpRequest, site, followup_id: int, action: str) -> HttpResponse:
    """Mark a follow-up done (with a note) or snooze it (with a reason) from My day."""
    _require(request, WORK_ON_FOLLOWUPS)
    followup: FollowUp = get_object_or_404(
        visible_followups(request.user, followup_list()), pk=followup_id
    )
    reference = followup.lead.reference

    def done():
        followup_complete(followup=followup, note=request.POST.get("note", ""), actor=request.user)
        return messages.SUCCESS, f"{reference}: {followup.get_kind_display()} marked done."

    def snooze():
        try:
            until = dt.datetime.fromisoformat(request.POST.get("until", ""))
        except ValueError as exc:
            raise ValidationError("Choose when to be reminded again.") from exc
        followup_snooze(
            followup=followup,
            until=until,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
        return messages.SUCCESS, f"{reference}: {followup.get_kind_display()} snoozed."

    actions = {"done": done, "snooze": snooze}
    if action not in actions:
        raise PermissionDenied(f"“{action}” is not something a follow-up can be.")
    _report(request, actions[action])
    return _back(request, reverse("admin:my_day"))


# -- The pipeline board -------------------------------------------------------------------


def board(request: HttpRequest, site) -> HttpResponse:
    if not request.user.has_perm("leads.view_lead"):
        raise PermissionDenied
    built = board_build(user=request.user, params=request.GET)
    here = reverse("admin:board")
    context = {
        **site.each_context(request),
        "title": "Pipeline board",
        "board": built,
        "may_move": request.user.has_perm(WORK_ON_LEADS),
        "here": f"{here}?{built.query}" if built.query else here,
    }
    return TemplateResponse(request, "admin/leadtrack/board.html", context)


def board_move(request: HttpRequest, site, lead_id: int) -> HttpResponse:
    """Move a card: a status change through the status service, with the reason (the
    firm's list, with details) where one is needed, and a win's agreed fee and matter
    reference."""
    _require(request, WORK_ON_LEADS)
    lead = get_object_or_404(visible_leads(request.user), pk=lead_id)
    status = request.POST.get("status", "")

    def move():
        moved = lead_change_status(
            lead=lead,
            status=status,
            reason=board_reason(
                status=status,
                reason=request.POST.get("reason", ""),
                details=request.POST.get("details", ""),
            ),
            agreed_fee=request.POST.get("agreed_fee") if status == Status.WON else None,
            matter_reference=request.POST.get("matter_reference", "")
            if status == Status.WON
            else "",
            actor=request.user,
        )
        text = f"{moved.reference} moved to {moved.get_status_display()}"
        if moved.status == Status.WON:
            text += f" (agreed fee {pounds(moved.agreed_fee)}, matter {moved.matter_reference})"
        return messages.SUCCESS, f"{text}."

    _report(request, move)
    return _back(request, reverse("admin:board"))
