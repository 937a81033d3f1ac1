"""Routing in the admin: teams, members with their absences and hand-over action, the
ordered routing rules with their problems and the "test these rules" page, and the
assignment log. Presentation only; every change goes through ``routing.services``."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from leads.choices import OPEN_STATUSES
from leads.visibility import LeadScopedAdminMixin
from routing import selectors, services
from routing.choices import RuleState
from routing.decisions import Decision, routes_simulate
from routing.forms import HandoverForm, MemberAdminForm
from routing.models import Assignment, Member, MemberAbsence, RoutingRule, Team

TEST_PAGE_SIZES = (25, 50, 100, 200)


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "head", "member_count"]
    list_select_related = ["head__user"]
    filter_horizontal = ["practice_areas"]
    search_fields = ["name"]
    autocomplete_fields = ["head"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_members=Count("members", filter=Q(members__is_active=True)))
        )

    @admin.display(description="active members", ordering="active_members")
    def member_count(self, obj: Team) -> int:
        return obj.active_members


class AbsenceInline(admin.TabularInline):
    model = MemberAbsence
    fk_name = "member"
    fields = ["starts_on", "ends_on", "delegate", "note"]
    autocomplete_fields = ["delegate"]
    extra = 0


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    form = MemberAdminForm
    list_display = [
        "name",
        "team",
        "seniority",
        "load",
        "hours",
        "away",
        "brief_delivery",
        "is_active",
    ]
    list_filter = ["team", "seniority", "is_active", "brief_delivery"]
    list_select_related = ["user", "team", "supervisor__user"]
    search_fields = ["user__first_name", "user__last_name", "user__email", "user__username"]
    filter_horizontal = ["practice_areas"]
    autocomplete_fields = ["user", "supervisor"]
    inlines = [AbsenceInline]
    actions = ["hand_over_open_leads"]
    readonly_fields = ["last_assigned_at"]
    fieldsets = [
        (None, {"fields": ["user", "team", "seniority", "supervisor", "is_active"]}),
        ("Work", {"fields": ["practice_areas", "capacity", "brief_delivery"]}),
        ("Working week (London time)", {"fields": ["working_days", ("works_from", "works_until")]}),
        ("Routing", {"fields": ["last_assigned_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_leads=Count(
                    "user__owned_leads",
                    filter=Q(user__owned_leads__status__in=OPEN_STATUSES),
                )
            )
            .prefetch_related("absences")
        )

    @admin.display(description="open leads / capacity", ordering="open_leads")
    def load(self, obj: Member) -> str:
        return f"{obj.open_leads} / {obj.capacity}"

    @admin.display(description="working week")
    def hours(self, obj: Member) -> str:
        return obj.hours_label

    @admin.display(description="out of office")
    def away(self, obj: Member) -> str:
        today = timezone.localdate()
        current = [absence for absence in obj.absences.all() if absence.covers(today)]
        if not current:
            return "—"
        absence = current[0]
        delegate = f", delegate {absence.delegate}" if absence.delegate_id else ""
        return f"until {absence.ends_on:%-d %b}{delegate}"

    @admin.action(description="Reassign their open leads (leaving or on leave)…")
    def hand_over_open_leads(self, request: HttpRequest, queryset: QuerySet[Member]):
        if queryset.count() != 1:
            self.message_user(
                request, "Choose one member at a time to hand over.", messages.WARNING
            )
            return None
        return redirect("admin:routing_member_handover", queryset.get().pk)

    def get_urls(self):
        return [
            path(
                "<int:member_id>/handover/",
                self.admin_site.admin_view(self.handover_view),
                name="routing_member_handover",
            ),
            *super().get_urls(),
        ]

    def handover_view(self, request: HttpRequest, member_id: int) -> HttpResponse:
        member = self.get_object(request, str(member_id))
        if member is None or not self.has_change_permission(request, member):
            return redirect("admin:routing_member_changelist")
        open_leads = selectors.member_open_leads(member=member).select_related("contact")
        form = HandoverForm(request.POST or None, member=member)
        if request.method == "POST" and form.is_valid():
            try:
                moved = services.member_reassign_open_leads(
                    member=member,
                    to=form.cleaned_data["to"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(
                    request,
                    f"{len(moved)} open lead(s) of {member} reassigned; each new owner was "
                    "briefed.",
                    messages.SUCCESS,
                )
                return redirect("admin:routing_member_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reassign the open leads of {member}",
            "member": member,
            "open_leads": open_leads,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/routing/member_handover.html", context)


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    list_display = [
        "position",
        "name",
        "conditions",
        "target",
        "keep_referral_owner",
        "state",
        "warnings",
    ]
    list_display_links = ["position", "name"]
    list_filter = ["state", "strategy", "target_team"]
    search_fields = ["name", "text_pattern", "source_contains"]
    ordering = ["position", "pk"]
    autocomplete_fields = ["target_member", "target_team", "practice_area"]
    readonly_fields = ["problems"]
    actions = ["make_live", "make_draft", "switch_off"]
    change_list_template = "admin/routing/routingrule/change_list.html"
    fieldsets = [
        (None, {"fields": ["position", "name", "state", "problems"]}),
        (
            "When the lead matches all of these (leave empty for any)",
            {
                "fields": [
                    ("practice_area", "tier", "channel"),
                    "source_contains",
                    ("value_from", "value_below"),
                    "text_pattern",
                ]
            },
        ),
        (
            "Give it to",
            {"fields": ["target_member", ("target_team", "strategy"), "keep_referral_owner"]},
        ),
    ]

    def get_queryset(self, request):
        return selectors.rules_for_admin()

    @admin.display(description="conditions")
    def conditions(self, obj: RoutingRule) -> str:
        return obj.conditions_label

    @admin.display(description="goes to")
    def target(self, obj: RoutingRule) -> str:
        return obj.target_label

    @admin.display(description="warnings")
    def warnings(self, obj: RoutingRule) -> str:
        problems = selectors.rule_problems(obj)
        if not problems:
            return "—"
        return format_html(
            '<span style="color: #ba2121;">⚠ {}</span>',
            format_html_join(" ", "{}", ((problem,) for problem in problems)),
        )

    @admin.display(description="problems")
    def problems(self, obj: RoutingRule) -> str:
        if obj.pk is None:
            return "—"
        return self.warnings(obj)

    @admin.action(description="Make the selected rules live")
    def make_live(self, request, queryset):
        self._set_state(request, queryset, RuleState.LIVE)

    @admin.action(description="Make the selected rules drafts (test page only)")
    def make_draft(self, request, queryset):
        self._set_state(request, queryset, RuleState.DRAFT)

    @admin.action(description="Switch the selected rules off")
    def switch_off(self, request, queryset):
        self._set_state(request, queryset, RuleState.OFF)

    def _set_state(self, request, queryset, state: RuleState) -> None:
        count = 0
        for rule in queryset:
            rule.state = state
            rule.save(update_fields=["state"])  # per row, so the change history records it
            count += 1
        self.message_user(request, f"{count} rule(s) now {state.label.lower()}.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "test/",
                self.admin_site.admin_view(self.test_view),
                name="routing_routingrule_test",
            ),
            *super().get_urls(),
        ]

    def test_view(self, request: HttpRequest) -> HttpResponse:
        """Where recent leads would go under the live rules and under the draft rule set."""
        if not self.has_view_permission(request):
            return redirect("admin:index")
        try:
            size = int(request.GET.get("n", 50))
        except ValueError:
            size = 50
        size = size if size in TEST_PAGE_SIZES else 50
        leads = selectors.recent_leads(limit=size)
        live_rules = selectors.rules_in_force()
        draft_rules = selectors.rules_in_force(draft=True)
        live = routes_simulate(leads=leads, rules=live_rules)
        draft = routes_simulate(leads=leads, rules=draft_rules)
        rows = []
        for lead in leads:
            facts = selectors.lead_facts(lead)
            now_live, with_drafts = live[lead.pk], draft[lead.pk]
            rows.append(
                {
                    "lead": lead,
                    "facts": facts,
                    "url": reverse("admin:leads_lead_change", args=[lead.pk]),
                    "live": now_live,
                    "draft": with_drafts,
                    "changed": _member_of(now_live) != _member_of(with_drafts),
                }
            )
        context = {
            **self.admin_site.each_context(request),
            "title": "Test these rules",
            "rows": rows,
            "sizes": TEST_PAGE_SIZES,
            "size": size,
            "drafts": [rule for rule in draft_rules if rule.state == RuleState.DRAFT],
            "changed_count": sum(row["changed"] for row in rows),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/routing/test_rules.html", context)


def _member_of(result: Decision | str):
    return result.member.pk if isinstance(result, Decision) else None


@admin.register(Assignment)
class AssignmentAdmin(LeadScopedAdminMixin, admin.ModelAdmin):
    list_display = ["assigned_at", "lead", "member", "via", "reason", "assigned_by", "ended_at"]
    list_filter = ["via", "member", "brief_channel"]
    list_select_related = ["lead", "member__user", "assigned_by"]
    search_fields = ["lead__reference", "reason"]
    date_hierarchy = "assigned_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    """The lead's owners over time, each with the reason and how they were briefed."""

    model = Assignment
    fields = ["assigned_at", "member", "via", "reason", "assigned_by", "ended_at", "brief_state"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "ownership history"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member__user", "assigned_by", "brief")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="brief")
    def brief_state(self, obj: Assignment) -> str:
        return brief_status(obj)


def brief_status(assignment: Assignment) -> str:
    """How the owner was briefed, with the error when the brief has not gone."""
    email = assignment.brief
    if email is None:
        if assignment.brief_channel == "digest" and assignment.ended_at is None:
            return "waiting for the daily digest"
        if assignment.brief_channel == "digest":
            return "—"
        return format_html(
            '<span style="color: #ba2121;">⚠ not sent: {} has no email address</span>',
            assignment.member,
        )
    if email.state == "sent":
        when = timezone.localtime(email.sent_at).strftime("%d %b %H:%M")
        return f"sent {when}" + (" (daily digest)" if email.kind == "digest" else "")
    if email.state == "failed":
        return format_html(
            '<span style="color: #ba2121;">⚠ could not be sent after {} attempts: {}</span>',
            email.attempts,
            email.error,
        )
    if email.attempts:
        return format_html(
            '<span style="color: #b36b00;">retrying (attempt {} failed: {})</span>',
            email.attempts,
            email.error,
        )
    return "queued"


class BriefFilter(admin.SimpleListFilter):
    title = "brief"
    parameter_name = "brief"

    def lookups(self, request, model_admin):
        return [("problem", "Not sent (failed, retrying or no address)")]

    def queryset(self, request, queryset):
        if self.value() == "problem":
            return queryset.filter(
                Q(assignments__ended_at__isnull=True, assignments__brief_channel="email")
                & (
                    Q(assignments__brief__isnull=True)
                    | Q(assignments__brief__state="failed")
                    | Q(assignments__brief__state="queued", assignments__brief__attempts__gt=0)
                )
            ).distinct()
        return queryset


class LeadRoutingAdmin(admin.ModelAdmin):
    """The lead admin's routing parts: who owns it and why, the brief, reassign and
    "assign to me" (on the page and as list actions). Composed in ``leadtrack/admin.py``."""

    routing_actions = ["reassign_leads", "assign_to_me"]
    routing_inlines = [AssignmentInline]
    routing_list_filters = [BriefFilter]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "routing_panel"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            if name == "Ownership":
                options = {**options, "fields": [*options["fields"], "routing_panel"]}
            fieldsets.append((name, options))
        return fieldsets

    @admin.display(description="routing")
    def routing_panel(self, obj) -> str:
        if obj is None or obj.pk is None:
            return "—"
        assignment = selectors.current_assignment(lead=obj)
        reassign = reverse("admin:leads_lead_reassign", args=[obj.pk])
        if assignment is None:
            return format_html('No owner yet. <a class="button" href="{}">Assign…</a>', reassign)
        return format_html(
            '{}<br>Brief: {}<br><a class="button" href="{}">Reassign…</a>',
            assignment.reason,
            brief_status(assignment),
            reassign,
        )

    def get_urls(self):
        return [
            path(
                "<int:lead_id>/reassign/",
                self.admin_site.admin_view(self.reassign_view),
                name="leads_lead_reassign",
            ),
            path(
                "reassign/",
                self.admin_site.admin_view(self.reassign_view),
                name="leads_lead_reassign_many",
            ),
            *super().get_urls(),
        ]

    def reassign_view(self, request: HttpRequest, lead_id: int | None = None) -> HttpResponse:
        """Reassign one or more leads with a reason, or take them ("assign to me")."""
        from leads.models import Lead
        from routing.forms import ReassignForm

        ids = [lead_id] if lead_id else request.POST.getlist("lead") or request.GET.getlist("lead")
        leads = list(self.get_queryset(request).filter(pk__in=ids))
        if not leads or not all(self.has_change_permission(request, lead) for lead in leads):
            self.message_user(request, "Choose leads you may change.", messages.WARNING)
            return redirect("admin:leads_lead_changelist")
        is_post = request.method == "POST" and (
            "reassign" in request.POST or "assign_to_me" in request.POST
        )
        form = ReassignForm(request.POST if is_post and "reassign" in request.POST else None)
        if is_post and "assign_to_me" in request.POST:
            return self._take(request, leads)
        if is_post and form.is_valid():
            done, problems = 0, []
            for lead in leads:
                try:
                    services.lead_reassign(
                        lead=lead,
                        member=form.cleaned_data["member"],
                        reason=form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    done += 1
                except ValidationError as exc:
                    problems.append(f"{lead}: {' '.join(exc.messages)}")
            if done:
                self.message_user(
                    request,
                    f"{done} lead(s) reassigned to {form.cleaned_data['member']}, who was briefed.",
                    messages.SUCCESS,
                )
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
            if len(leads) == 1 and done:
                return redirect("admin:leads_lead_change", leads[0].pk)
            if not problems:
                return redirect("admin:leads_lead_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Reassign leads" if len(leads) > 1 else f"Reassign {leads[0]}",
            "leads": leads,
            "form": form,
            "can_take": hasattr(request.user, "member"),
            "opts": Lead._meta,
        }
        return TemplateResponse(request, "admin/routing/reassign.html", context)

    def _take(self, request: HttpRequest, leads) -> HttpResponse:
        taken = 0
        for lead in leads:
            try:
                services.lead_assign_to_me(lead=lead, user=request.user)
                taken += 1
            except ValidationError as exc:
                self.message_user(request, f"{lead}: {' '.join(exc.messages)}", messages.ERROR)
        if taken:
            self.message_user(request, f"You now own {taken} lead(s).", messages.SUCCESS)
        if len(leads) == 1:
            return redirect("admin:leads_lead_change", leads[0].pk)
        return redirect("admin:leads_lead_changelist")

    @admin.action(description="Reassign the selected leads…")
    def reassign_leads(self, request: HttpRequest, queryset):
        ids = "&".join(f"lead={pk}" for pk in queryset.values_list("pk", flat=True)[:200])
        return redirect(f"{reverse('admin:leads_lead_reassign_many')}?{ids}")

    @admin.action(description="Assign the selected unowned or triage leads to me")
    def assign_to_me(self, request: HttpRequest, queryset):
        return self._take(request, list(queryset))
