"""The tracker's parts of the lead admin: the list a partner works from (saved filters,
arrival date range, tier colours and overdue markers, "waiting since" in working time,
bulk actions through services, counts that stay fast at a million leads) and the lead
page's quick actions, messages in and out, and who may see which lead.

Composed into ``TrackerLeadAdmin`` in ``leadtrack/admin.py`` as ``TrackerLeadMixin``.
Presentation only: every change goes through a service.
"""

import csv
import datetime as dt
import json
from collections.abc import Iterator

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from leads.choices import OPEN_STATUSES, AgreedNext, ContactOutcome, Status, Tier
from leads.models import Lead
from leads.money import pounds
from leads.selectors import lead_timeline
from leads.services import lead_add_note, lead_log_call, lead_log_meeting
from leads.statuses import allowed_transitions
from leadtrack.access import may_see_lead, visible_leads
from leadtrack.lead_page import lead_conversation, lead_summary, person
from leadtrack.reply_admin import reply_box_context, reply_urls
from leadtrack.reports.base import as_duration
from leadtrack.reports.hours import LONDON, working_calendar, working_seconds
from leadtrack.saved_views import (
    saved_view_delete,
    saved_view_query_clean,
    saved_view_save,
    saved_views_for,
)
from leadtrack.status_form import StatusChangeForm, status_change_apply

OPEN = sorted(OPEN_STATUSES)

# The lead list's columns a person may choose (attribute names of the admin), with their
# headings; the first eight are the default and fit 1366 px.
LIST_COLUMNS = {
    "reference": "Reference",
    "arrived": "Arrived",
    "enquirer": "Enquirer",
    "matter": "Matter",
    "tier_badge": "Tier",
    "status_badge": "Status",
    "owner_name": "Owner",
    "next_action_due": "Next action due",
    "waiting_since": "Waiting (working time)",
    "channel_source": "Channel and source",
    "likely_fee": "Likely fee",
}
DEFAULT_COLUMNS = list(LIST_COLUMNS)[:8]
# Where the columns of the saved view a person last opened are kept (their session), and
# which view it was.
COLUMNS_SESSION_KEY = "leadtrack_lead_list_columns"
VIEW_SESSION_KEY = "leadtrack_lead_list_view"


def saved_views_context(request: HttpRequest) -> dict:
    """The list's saved views panel: the views this person may open (theirs and their
    team's shared ones), the one in use, the columns to choose from, and the list's
    query string to save."""
    views = list(saved_views_for(request.user))
    active = request.session.get(VIEW_SESSION_KEY)
    chosen = list_columns_chosen(request)
    return {
        "mine": [view for view in views if view.owner_id == request.user.pk],
        "team": [view for view in views if view.owner_id != request.user.pk],
        "active": next((view for view in views if view.pk == active), None),
        "columns": [
            {"name": name, "label": label, "chosen": name in chosen}
            for name, label in LIST_COLUMNS.items()
        ],
        "query": saved_view_query_clean(request.GET.urlencode()),
        "custom_columns": COLUMNS_SESSION_KEY in request.session,
    }


def list_columns_clean(columns) -> list[str]:
    """The known columns among ``columns``, in the list's order, the reference always."""
    wanted = set(columns or ())
    chosen = [name for name in LIST_COLUMNS if name in wanted]
    return chosen if "reference" in chosen else ["reference", *chosen]


def list_columns_chosen(request: HttpRequest) -> list[str]:
    """The columns this person chose for the lead list, or the default."""
    stored = getattr(request, "session", {}).get(COLUMNS_SESSION_KEY)
    return list_columns_clean(stored) if stored else list(DEFAULT_COLUMNS)


def short_time(value: dt.datetime | None) -> str:
    """A time on the list, London: "Wed 2 Dec 13:05", with the year when not this year."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    if local.year == timezone.localtime().year:
        return f"{local:%a} {local.day} {local:%b %H:%M}"
    return f"{local.day} {local:%b %Y %H:%M}"


# ---------------------------------------------------------------------------
# Counting: exact when cheap, an estimate or "more than" when an exact count would scan
# ---------------------------------------------------------------------------

# Above this many (estimated) rows the list shows PostgreSQL's estimate, not a count; on
# other databases (SQLite) the count stops here and the list says "more than".
EXACT_COUNT_LIMIT = 20_000
# A search is counted up to this many matches only: counting every lead that matches a
# word reads every lead (116 ms of SQL at 100,000 leads on SQLite), and the first page of
# a search needs only the first matches. PostgreSQL's estimate is used above it there.
SEARCH_COUNT_LIMIT = 1_000


class EstimatedCountPaginator(Paginator):
    """A paginator that does not count a million rows to draw a page.

    On PostgreSQL an unfiltered list is counted from ``pg_class.reltuples`` and a filtered
    one from the planner's estimate; either is used only above ``count_limit`` rows, below
    which the exact count is cheap. Other databases count at most ``count_limit`` rows
    and, past that, say "more than" (``is_capped``). The page says which it shows.
    """

    is_estimate = False
    is_capped = False
    count_limit = EXACT_COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            counted = queryset.order_by()[: self.count_limit + 1].count()
            if counted <= self.count_limit:
                return counted
            self.is_capped = True
            return self.count_limit
        estimate = self._estimate(queryset, connection)
        if estimate is None or estimate < self.count_limit:
            return super().count
        self.is_estimate = True
        return estimate

    def _estimate(self, queryset: QuerySet, connection) -> int | None:
        if not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            return int(row[0]) if row and row[0] >= 0 else None
        plan = json.loads(queryset.order_by().explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])


class SearchCountPaginator(EstimatedCountPaginator):
    """The paginator of a searched list: exact up to ``SEARCH_COUNT_LIMIT`` matches."""

    count_limit = SEARCH_COUNT_LIMIT


# What the list's columns read of a lead and its joins (``LIST_COLUMNS``); the page's
# rows load these only, not the message, the qualification's evidence or the owner's
# password hash, so the database sorts and returns narrow rows.
LIST_ROW_FIELDS = [
    "reference",
    "arrived_at",
    "channel",
    "source",
    "subject",
    "tier",
    "estimated_value",
    "status",
    "first_response_at",
    "next_action_due_at",
    "contact",
    "contact__name",
    "contact__email",
    "contact__phone",
    "contact__organisation",
    "owner",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "qualification",
    "qualification__practice_area",
    "qualification__practice_area__name",
]


# The owner column sorts by the owner's first name, as the column shows it.
OWNER_ORDER = "owner__first_name"


def owner_name_place() -> Case:
    """Each lead's owner's place among the users sorted by first name in the database's
    own order (equal names share a place), NULL for a lead nobody owns, so a lead's
    sort by owner needs only its own ``owner_id``."""
    users = get_user_model().objects.order_by("first_name").values_list("pk", "first_name")
    whens, place, previous = [], -1, None
    for pk, first_name in users:
        if place < 0 or first_name != previous:
            place, previous = place + 1, first_name
        whens.append(When(owner_id=pk, then=Value(place)))
    return Case(*whens, default=None, output_field=IntegerField())


class LeadChangeList(ChangeList):
    """The lead list: its page's rows with only the columns it shows (the actions still
    receive whole leads)."""

    def get_ordering(self, request, queryset):
        """The sort by owner reads the owners' names once and sorts the leads by each
        owner's place among them: sorting by the name through the join read and joined
        every lead first (9.9 s at a million leads), the place is the lead's own column."""
        ordering = super().get_ordering(request, queryset)
        by_name = {OWNER_ORDER: False, f"-{OWNER_ORDER}": True}
        if not any(isinstance(item, str) and item in by_name for item in ordering):
            return ordering
        place = owner_name_place()
        return [
            (place.desc() if by_name[item] else place.asc())
            if isinstance(item, str) and item in by_name
            else item
            for item in ordering
        ]

    def get_results(self, request):
        whole = self.queryset
        self.queryset = whole.only(*LIST_ROW_FIELDS)
        try:
            super().get_results(request)
        finally:
            self.queryset = whole


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


class SavedViewFilter(admin.SimpleListFilter):
    """The views people ask for by name."""

    title = "saved filters"
    parameter_name = "view"

    def lookups(self, request, model_admin):
        return [
            ("mine", "My leads"),
            ("my_overdue", "My overdue"),
            ("tier_a_open", "Tier A open"),
            ("unowned", "Unowned"),
            ("awaiting", "Awaiting first contact"),
            ("overdue", "Overdue (everyone)"),
            ("open", "All open"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        open_leads = queryset.filter(status__in=OPEN)
        match self.value():
            case "mine":
                return queryset.filter(owner=request.user)
            case "my_overdue":
                return open_leads.filter(owner=request.user, next_action_due_at__lt=now)
            case "tier_a_open":
                return open_leads.filter(tier=Tier.A)
            case "unowned":
                return open_leads.filter(owner__isnull=True)
            case "awaiting":
                return open_leads.filter(first_response_at__isnull=True)
            case "overdue":
                return open_leads.filter(next_action_due_at__lt=now)
            case "open":
                return open_leads
        return queryset


class OwnerFilter(admin.RelatedFieldListFilter):
    """Owners by name (not username), from the firm's active staff, and the leads nobody
    owns in words (not the admin's "-")."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.empty_value_display = "Nobody (unowned)"

    def field_choices(self, field, request, model_admin):
        staff = get_user_model().objects.filter(is_active=True, is_staff=True)
        return [
            (user.pk, person(user))
            for user in staff.order_by("first_name", "last_name", "username")
        ]


class ArrivalRangeFilter(admin.ListFilter):
    """Arrived between two dates (London), inclusive: ``?arrived_from=&arrived_to=``."""

    title = "arrival date"
    template = "admin/leads/lead/arrival_range_filter.html"
    parameters = ("arrived_from", "arrived_to")

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.used_parameters[name] = value[-1] if isinstance(value, list) else value

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return list(self.parameters)

    def _date(self, name: str) -> dt.date | None:
        text = self.used_parameters.get(name)
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise IncorrectLookupParameters(f"“{text}” is not a date (YYYY-MM-DD).") from exc

    def queryset(self, request, queryset):
        start, end = self._date("arrived_from"), self._date("arrived_to")
        if start:
            queryset = queryset.filter(
                arrived_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=LONDON)
            )
        if end:
            queryset = queryset.filter(
                arrived_at__lt=dt.datetime.combine(
                    end + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON
                )
            )
        return queryset

    def choices(self, changelist):
        keep = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name not in self.parameters
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "selected": bool(self.used_parameters),
            "arrived_from": self.used_parameters.get("arrived_from", ""),
            "arrived_to": self.used_parameters.get("arrived_to", ""),
            "keep": keep,
            "clear_url": changelist.get_query_string(remove=list(self.parameters)),
            "display": "range",
        }


# ---------------------------------------------------------------------------
# Bulk and quick-action forms
# ---------------------------------------------------------------------------


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ContactLogForm(forms.Form):
    """A call or meeting with the enquirer: how it went, what was said and agreed, and
    when (default: now). The outcome decides the next step (``lead_log_call``)."""

    outcome = forms.ChoiceField(label="How it went", choices=ContactOutcome.choices)
    summary = forms.CharField(label="What was said", max_length=450)
    agreed = forms.ChoiceField(label="What was agreed", choices=AgreedNext.choices, required=False)
    call_back_at = forms.DateTimeField(
        label="Call back at",
        required=False,
        help_text="London time, within the firm's working hours.",
    )
    at = forms.DateTimeField(
        label="When", required=False, help_text="London time; leave empty for now."
    )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "summary": data["summary"],
            "agreed": data["agreed"] or AgreedNext.POLICY,
            "call_back_at": data["call_back_at"],
            "at": data["at"],
        }


def contact_log_arguments(data) -> dict:
    """The contact log form's values for ``lead_log_call``/``lead_log_meeting``, or a
    ValidationError naming what is wrong."""
    form = ContactLogForm(data)
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label or name}: {' '.join(errors)}"
            if name in form.fields
            else " ".join(errors)
            for name, errors in form.errors.items()
        ]
        raise ValidationError(" ".join(problems))
    return form.service_arguments()


def contact_logged_message(entry, label: str) -> tuple[int, str]:
    """What to tell the person who logged a call or meeting: what happened next."""
    data = entry.data or {}
    text = f"{label} logged."
    if data.get("moved_to"):
        text += f" The lead is now {Status(data['moved_to']).label}."
    next_due = entry.lead.next_action_due_at
    if next_due is not None:
        text += f" Next action due {timezone.localtime(next_due):%a %d %b %H:%M}."
    if data.get("not_moved"):
        return messages.WARNING, f"{text} The lead stays where it is: {data['not_moved']}"
    return messages.SUCCESS, text


# The lead page's quick actions, each one service (see ``quick_action_view``).
QUICK_ACTIONS = ("call", "meeting", "note", "status")

# ---------------------------------------------------------------------------
# The mixin
# ---------------------------------------------------------------------------


class TrackerLeadMixin:
    """List, page and permissions of the tracker's lead admin (see the module docstring)."""

    paginator = EstimatedCountPaginator
    change_list_template = "admin/leads/lead/change_list.html"
    change_form_template = "admin/leads/lead/change_form.html"
    date_hierarchy = None
    list_per_page = 50
    show_full_result_count = False
    list_display_links = ["reference"]
    list_select_related = ["contact", "owner", "qualification__practice_area"]
    tracker_list_filter = [
        SavedViewFilter,
        ArrivalRangeFilter,
        "status",
        "tier",
        "channel",
        ("owner", OwnerFilter),
    ]
    tracker_actions = ["change_status", "export_csv"]

    # -- who sees what -----------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lead]:
        # The list's joins (the admin skips list_select_related once a queryset has some).
        leads = super().get_queryset(request).select_related(*self.list_select_related)
        return visible_leads(request.user, leads)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or may_see_lead(request.user, obj))

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_see_lead(request.user, obj))

    def get_changelist(self, request: HttpRequest, **kwargs):
        return LeadChangeList

    def get_paginator(
        self, request: HttpRequest, queryset, per_page, orphans=0, allow_empty_first_page=True
    ):
        searched = bool(request.GET.get(SEARCH_VAR, "").strip())
        paginator = SearchCountPaginator if searched else self.paginator
        return paginator(queryset, per_page, orphans, allow_empty_first_page)

    def get_list_filter(self, request: HttpRequest):
        filters = [*self.tracker_list_filter]
        extra = [item for item in super().get_list_filter(request) if item not in filters]
        return filters + [item for item in extra if item not in ("arrived_at", "owner")]

    def get_list_display(self, request: HttpRequest):
        """The person's chosen columns (from the saved view they opened), else the
        default; "waiting since" loads the firm's calendar once per page, not per row."""
        calendar = working_calendar()
        now = timezone.now()

        @admin.display(description="waiting (working time)", ordering="arrived_at")
        def waiting_since(obj: Lead) -> str:
            if obj.first_response_at is not None or obj.status not in OPEN_STATUSES:
                return "—"
            waited = as_duration(working_seconds(calendar, obj.arrived_at, now))
            return format_html('<span class="lt-waiting">{}</span>', waited)

        return [
            waiting_since if name == "waiting_since" else name
            for name in list_columns_chosen(request)
        ]

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        for name in self.tracker_actions:
            actions.setdefault(name, self.get_action(name))
        if not self.has_change_permission(request):
            for name in ("change_status",):
                actions.pop(name, None)
        return actions

    # -- list columns ------------------------------------------------------------

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj: Lead) -> str:
        """The admin's row checkbox, written directly: the admin renders a form widget
        through the template engine for each row (a fifth of a 100-row page's time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            admin.helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            str(obj),
        )

    @admin.display(description="tier", ordering="tier")
    def tier_badge(self, obj: Lead) -> str:
        if not obj.tier:
            return format_html('<span class="lt-tier lt-tier-none">{}</span>', "—")
        return format_html(
            '<span class="lt-tier lt-tier-{}" title="{}">{}</span>',
            obj.tier.lower(),
            Tier(obj.tier).label,
            Tier(obj.tier).label,
        )

    @admin.display(description="arrived", ordering="arrived_at")
    def arrived(self, obj: Lead) -> str:
        return short_time(obj.arrived_at)

    @admin.display(description="enquirer", ordering="contact__name")
    def enquirer(self, obj: Lead) -> str:
        contact = obj.contact
        name = contact.name or contact.email or contact.phone or "—"
        if contact.organisation:
            return format_html('{}<span class="lt-sub">{}</span>', name, contact.organisation)
        return name

    @admin.display(description="matter")
    def matter(self, obj: Lead) -> str:
        result = getattr(obj, "qualification", None)
        area = result.practice_area.name if result and result.practice_area else ""
        subject = obj.subject or ""
        if len(subject) > 60:
            subject = subject[:59].rstrip() + "…"
        if area and subject:
            return format_html('{}<span class="lt-sub">{}</span>', area, subject)
        return area or subject or "—"

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj: Lead) -> str:
        return format_html(
            '<span class="lt-status lt-status-{}">{}</span>', obj.status, obj.get_status_display()
        )

    @admin.display(description="owner", ordering=OWNER_ORDER)
    def owner_name(self, obj: Lead) -> str:
        return person(obj.owner) or format_html('<span class="lt-flag">{}</span>', "Nobody")

    @admin.display(description="next action due", ordering="next_action_due_at")
    def next_action_due(self, obj: Lead) -> str:
        due = obj.next_action_due_at
        if due is None or obj.status not in OPEN_STATUSES:
            return "—"
        if due <= timezone.now():
            return format_html('<span class="lt-overdue">OVERDUE</span> {}', short_time(due))
        return short_time(due)

    @admin.display(description="likely fee", ordering="estimated_value")
    def likely_fee(self, obj: Lead) -> str:
        return pounds(obj.estimated_value)

    # -- bulk actions --------------------------------------------------------------

    @admin.action(description="Change the status of the selected leads (with a reason)")
    def change_status(self, request: HttpRequest, queryset: QuerySet[Lead]):
        if "apply" in request.POST:
            form = StatusChangeForm(request.POST)
            if form.is_valid():
                changed, refused = 0, []
                for lead in queryset:
                    try:
                        status_change_apply(form=form, lead=lead, actor=request.user)
                        changed += 1
                    except ValidationError as exc:
                        refused.append(f"{lead}: {' '.join(exc.messages)}")
                if changed:
                    self.message_user(
                        request, f"Status changed on {changed} lead(s).", messages.SUCCESS
                    )
                for problem in refused:
                    self.message_user(request, problem, messages.ERROR)
                return None
        else:
            form = StatusChangeForm()
        context = {
            **self.admin_site.each_context(request),
            "title": "Change status",
            "leads": queryset[:100],
            "count": queryset.count(),
            "form": form,
            "action": "change_status",
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/leads/lead/bulk_status.html", context)

    @admin.action(description="Export the selected leads as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Lead]):
        rows = _csv_rows(queryset.select_related("contact", "owner").order_by("-arrived_at"))
        response = StreamingHttpResponse(
            (_csv_line(row) for row in rows), content_type="text/csv; charset=utf-8"
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
        return response

    # -- the lead page -----------------------------------------------------------

    def get_urls(self):
        urls = [
            path(
                "<int:object_id>/quick/<slug:action>/",
                self.admin_site.admin_view(self.quick_action_view),
                name="leads_lead_quick",
            ),
            path(
                "saved-views/save/",
                self.admin_site.admin_view(self.saved_view_save_view),
                name="leads_lead_saved_view_save",
            ),
            path(
                "saved-views/default/",
                self.admin_site.admin_view(self.saved_view_default_view),
                name="leads_lead_saved_view_default",
            ),
            path(
                "saved-views/<int:view_id>/",
                self.admin_site.admin_view(self.saved_view_open_view),
                name="leads_lead_saved_view_open",
            ),
            path(
                "saved-views/<int:view_id>/delete/",
                self.admin_site.admin_view(self.saved_view_delete_view),
                name="leads_lead_saved_view_delete",
            ),
        ]
        return urls + reply_urls(self) + super().get_urls()

    # -- the list and its saved views -------------------------------------------

    def changelist_view(self, request, extra_context=None):
        context = {
            "title": "Leads",
            "subtitle": None,
            "saved_views": saved_views_context(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    def _list_url(self, query: str = "") -> str:
        url = reverse("admin:leads_lead_changelist")
        return f"{url}?{query}" if query else url

    def saved_view_save_view(self, request: HttpRequest):
        """Save the list as it is (filters, search, order) with the chosen columns."""
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        columns = list_columns_clean(request.POST.getlist("columns")) or DEFAULT_COLUMNS
        try:
            view = saved_view_save(
                owner=request.user,
                name=request.POST.get("name", ""),
                query=request.POST.get("query", ""),
                columns=columns,
                shared=request.POST.get("shared") == "on",
            )
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(
                self._list_url(saved_view_query_clean(request.POST.get("query", "")))
            )
        request.session[COLUMNS_SESSION_KEY] = view.columns
        request.session[VIEW_SESSION_KEY] = view.pk
        shared = " and shared it with your team" if view.shared else ""
        self.message_user(request, f"Saved the view “{view.name}”{shared}.", messages.SUCCESS)
        return HttpResponseRedirect(self._list_url(view.query))

    def saved_view_open_view(self, request: HttpRequest, view_id: int):
        """Open a saved view: its filters, and its columns from now on."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        view = get_object_or_404(saved_views_for(request.user), pk=view_id)
        request.session[COLUMNS_SESSION_KEY] = list_columns_clean(view.columns)
        request.session[VIEW_SESSION_KEY] = view.pk
        return HttpResponseRedirect(self._list_url(view.query))

    def saved_view_default_view(self, request: HttpRequest):
        """Back to the list's default columns, keeping the filters in use."""
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        request.session.pop(COLUMNS_SESSION_KEY, None)
        request.session.pop(VIEW_SESSION_KEY, None)
        return HttpResponseRedirect(
            self._list_url(saved_view_query_clean(request.POST.get("query", "")))
        )

    def saved_view_delete_view(self, request: HttpRequest, view_id: int):
        """Delete one of one's own saved views."""
        if request.method != "POST" or not self.has_view_permission(request):
            raise PermissionDenied
        view = get_object_or_404(saved_views_for(request.user), pk=view_id)
        saved_view_delete(view=view, actor=request.user)
        if request.session.get(VIEW_SESSION_KEY) == view_id:
            request.session.pop(VIEW_SESSION_KEY, None)
        self.message_user(request, f"Deleted the view “{view.name}”.", messages.SUCCESS)
        return HttpResponseRedirect(self._list_url())

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """The other apps' sections on the lead page label their values without Django's
        trailing colon ("Client due diligence", not "Client due diligence:")."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        kwargs["form_kwargs"] = {"label_suffix": "", **kwargs.get("form_kwargs", {})}
        return kwargs

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        lead = self.get_object(request, object_id)
        if lead is not None:
            summary = lead_summary(lead=lead)
            context["title"] = f"{lead.reference or lead}: {summary['enquirer']}"
            context["subtitle"] = None
            context["summary"] = summary
            context["quick_actions"] = self.quick_actions_context(request, lead)
            context["conversation"] = lead_conversation(lead=lead)
            if self.has_change_permission(request, lead):
                context["reply_box"] = reply_box_context(request, lead)
        return super().change_view(request, object_id, form_url, extra_context=context)

    def history_view(self, request, object_id, extra_context=None):
        """The lead's audit history: its timeline, newest first. Leads are never edited
        in a form; every change (status, owner, tier, contact details, notes, messages)
        goes through a service that writes a timeline entry with who and when, so the
        timeline, not the admin's change log, is the lead's history."""
        lead = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_view_or_change_permission(request, lead):
            raise PermissionDenied
        entries = lead_timeline(lead=lead).order_by("-at", "-pk")
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {lead}",
            "subtitle": None,
            "object": lead,
            "opts": self.opts,
            "module_name": str(self.opts.verbose_name_plural).capitalize(),
            "entries": entries,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/leads/lead/object_history.html", context)

    def quick_actions_context(self, request: HttpRequest, lead: Lead) -> dict:
        if not self.has_change_permission(request, lead):
            return {}
        statuses = allowed_transitions(lead.status)
        return {
            "status_form": StatusChangeForm(statuses=statuses, prefix=None) if statuses else None,
            # Reassigning (with a reason, through routing's service) is routing's page.
            "reassign_url": reverse("admin:leads_lead_reassign", args=[lead.pk]),
            "urls": {
                action: reverse("admin:leads_lead_quick", args=[lead.pk, action])
                for action in QUICK_ACTIONS
            },
        }

    def quick_action_view(self, request: HttpRequest, object_id: int, action: str):
        """Apply one quick action from the lead page through its service, then return."""
        lead = get_object_or_404(self.get_queryset(request), pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, lead):
            raise PermissionDenied
        page = reverse("admin:leads_lead_change", args=[lead.pk])
        if action not in QUICK_ACTIONS:
            raise PermissionDenied(f"“{action}” is not a quick action.")
        handler = getattr(self, f"_quick_{action}")
        try:
            done = handler(request, lead)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
        else:
            level, text = done if isinstance(done, tuple) else (messages.SUCCESS, done)
            self.message_user(request, text, level)
        return HttpResponseRedirect(page)

    def _quick_note(self, request: HttpRequest, lead: Lead) -> str:
        lead_add_note(lead=lead, text=request.POST.get("text", ""), actor=request.user)
        return "Note added."

    def _contact_log(self, request: HttpRequest) -> dict:
        return {**contact_log_arguments(request.POST), "actor": request.user}

    def _quick_call(self, request: HttpRequest, lead: Lead) -> tuple[int, str]:
        entry = lead_log_call(lead=lead, **self._contact_log(request))
        return contact_logged_message(entry, "Call")

    def _quick_meeting(self, request: HttpRequest, lead: Lead) -> tuple[int, str]:
        entry = lead_log_meeting(lead=lead, **self._contact_log(request))
        return contact_logged_message(entry, "Meeting")

    def _quick_status(self, request: HttpRequest, lead: Lead) -> str:
        # Every status is accepted here: the service says why a change is not allowed.
        form = StatusChangeForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.problems())
        lead = status_change_apply(form=form, lead=lead, actor=request.user)
        return f"Status changed to {lead.get_status_display()}."


CSV_HEADINGS = [
    "reference",
    "arrived_at",
    "channel",
    "source",
    "name",
    "email",
    "phone",
    "organisation",
    "status",
    "tier",
    "estimated_value",
    "owner",
    "first_response_at",
    "next_action_due_at",
    "closed_at",
    "closed_reason",
]


def _iso(value: dt.datetime | None) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _csv_safe(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(queryset: QuerySet[Lead]) -> Iterator[list[str]]:
    yield CSV_HEADINGS
    for lead in queryset.iterator(chunk_size=2000):
        yield [
            _csv_safe(value)
            for value in (
                lead.reference,
                _iso(lead.arrived_at),
                lead.channel,
                lead.source,
                lead.contact.name,
                lead.contact.email,
                lead.contact.phone,
                lead.contact.organisation,
                lead.status,
                lead.tier or "",
                lead.estimated_value if lead.estimated_value is not None else "",
                lead.owner.get_username() if lead.owner else "",
                _iso(lead.first_response_at),
                _iso(lead.next_action_due_at),
                _iso(lead.closed_at),
                lead.closed_reason,
            )
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_line(row: list[str]) -> str:
    return csv.writer(_Echo()).writerow(row)
