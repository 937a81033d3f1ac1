"""The qualification app in the admin: practice areas, model versions (edit a draft, test
it on recent leads, activate it) with their history, the results, and the lead page's
qualification section, tier override and re-qualify action. Presentation only; every
change goes through ``qualification.services``."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from leads.models import Lead
from leads.visibility import LeadScopedAdminMixin, visible_leads
from qualification import services
from qualification.choices import ModelState
from qualification.extraction.value import money
from qualification.forms import TierOverrideForm
from qualification.models import (
    FirstAction,
    PracticeArea,
    PriceItem,
    QualificationModel,
    QualificationResult,
)


def london(value) -> str:
    return timezone.localtime(value).strftime("%d %b %Y %H:%M") if value else "—"


def basis_list(lines: list[str]) -> str:
    return format_html(
        "<ul style='margin:0;padding-left:1.2em'>{}</ul>",
        format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
    )


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def published_price(item: PriceItem) -> str:
    """A price list line as the firm publishes it: '£1,100 to £1,400 (up to £500,000)',
    '1% to 2% of the estate (typically £3,000 to £15,000)', '£5 per employee a month'."""

    def amount(value) -> str:
        return money(value) if value is not None else ""

    low, high = amount(item.fee_low), amount(item.fee_high)
    band = f"{low} to {high}" if low and high and low != high else low or high
    if item.fee_high is None and item.fee_low is not None:
        band = f"from {low}"
    if item.can_exceed:
        band += "+"
    if item.pricing == PriceItem.Pricing.PERCENT:
        of = item.get_sum_kind_display().lower().replace(" value", "")
        share = f"{item.percent_low.normalize():f}% to {item.percent_high.normalize():f}%"
        return f"{share} of the {of} (typically {band})"
    if item.pricing == PriceItem.Pricing.HOURLY:
        return f"{band} an hour"
    if item.pricing == PriceItem.Pricing.MONTHLY:
        unit = f" per {item.per_unit}" if item.per_unit else ""
        return f"{band}{unit} a month"
    if item.value_from is not None or item.value_to is not None:
        what = item.get_sum_kind_display().lower()
        if not item.value_from:
            return f"{band} ({what} up to {money(item.value_to)})"
        if item.value_to is None:
            return f"{band} ({what} above {money(item.value_from)})"
        return f"{band} ({what} {money(item.value_from)} to {money(item.value_to)})"
    return band


class PriceItemInline(admin.TabularInline):
    model = PriceItem
    extra = 0
    fields = [
        "position",
        "name",
        "matter_kind",
        "pricing",
        "fee_low",
        "fee_high",
        "can_exceed",
        "sum_kind",
        "value_from",
        "value_to",
        "is_default",
    ]
    show_change_link = True
    verbose_name_plural = (
        "published prices (fees excluding VAT; open a line for its words, shares and units)"
    )


@admin.register(PracticeArea)
class PracticeAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "typical_fee_low", "typical_fee_high", "accepts_work"]
    list_filter = ["accepts_work"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PriceItemInline]


@admin.register(PriceItem)
class PriceItemAdmin(SimpleHistoryAdmin):
    """The firm's published price list, line by line. Qualification reads the likely fee
    from it; a model version keeps the list it was activated with, so a change here
    applies from the next version (make a draft, test it, activate it)."""

    list_display = ["name", "practice_area", "price", "matter_kind", "is_default"]
    list_filter = ["practice_area", "pricing"]
    list_select_related = ["practice_area"]
    search_fields = ["name", "matter_kind", "keywords", "practice_area__name"]
    ordering = ["practice_area__name", "position", "pk"]
    autocomplete_fields = ["practice_area"]
    fieldsets = [
        (None, {"fields": ["practice_area", ("name", "matter_kind"), "position", "note"]}),
        (
            "Price (excluding VAT)",
            {"fields": ["pricing", ("fee_low", "fee_high"), "can_exceed"]},
        ),
        (
            "Priced by a stated sum",
            {"fields": ["sum_kind", ("value_from", "value_to"), ("percent_low", "percent_high")]},
        ),
        ("Hourly and monthly prices", {"fields": [("hours_low", "hours_high"), "per_unit"]}),
        ("Which enquiries it is for", {"fields": ["keywords", "client", "is_default"]}),
    ]

    @admin.display(description="published price")
    def price(self, obj: PriceItem) -> str:
        return published_price(obj)


class FirstActionInline(admin.TabularInline):
    model = FirstAction
    extra = 0
    fields = ["tier", "practice_area", "action"]
    autocomplete_fields = ["practice_area"]
    verbose_name_plural = "first actions (per tier, and per practice area where it differs)"

    def _editable(self, obj) -> bool:
        return obj is None or obj.state == ModelState.DRAFT

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(QualificationModel)
class QualificationModelAdmin(SimpleHistoryAdmin):
    list_display = ["version", "name", "state", "trialled", "activated", "activated_by"]
    list_filter = ["state"]
    list_select_related = ["activated_by"]
    inlines = [FirstActionInline]
    actions = ["make_draft", "test_drafts", "activate"]
    readonly_fields = [
        "version",
        "state",
        "created_at",
        "created_by",
        "activated_at",
        "activated_by",
        "trial",
        "shadow",
        "classifiers",
    ]
    fieldsets = [
        (None, {"fields": [("version", "state"), "name", "notes"]}),
        (
            "Tier policy (A: valuable, or time-critical with a fee worth having)",
            {
                "fields": [
                    ("value_high", "value_medium"),
                    "time_critical_fee_from",
                    "small_claim_below",
                ]
            },
        ),
        ("Urgency", {"fields": [("urgent_within_working_days", "soon_within_working_days")]}),
        (
            "Disqualification and dispositions",
            {
                "fields": [
                    ("disqualify_spam", "disqualify_job_applications", "disqualify_students"),
                    "action_spam",
                    "action_job_application",
                    "action_student",
                    "action_existing_client",
                    "action_out_of_scope",
                ]
            },
        ),
        (
            "Score (orders leads within a tier; it does not set the tier)",
            {
                "fields": [
                    ("weight_requirement", "weight_value", "weight_urgency", "weight_decision")
                ]
            },
        ),
        ("Learned readers", {"fields": ["classifiers"]}),
        ("Test against recent leads", {"fields": ["trial"]}),
        ("Shadow evaluation: the partners' overrides", {"fields": ["shadow"]}),
        (
            "Record",
            {
                "fields": [("created_at", "created_by"), ("activated_at", "activated_by")],
                "classes": ["collapse"],
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != ModelState.DRAFT:
            # A version that has been used is frozen: results must stay explainable.
            return [field.name for field in obj._meta.fields] + ["trial", "shadow", "classifiers"]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and obj.state == ModelState.DRAFT and not obj.results.exists()

    def save_model(self, request, obj: QualificationModel, form, change) -> None:
        if not change:
            obj.version = services.next_version()
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="tested")
    def trialled(self, obj: QualificationModel) -> str:
        return london(obj.trialled_at)

    @admin.display(description="activated")
    def activated(self, obj: QualificationModel) -> str:
        return london(obj.activated_at)

    @admin.display(description="last test")
    def trial(self, obj: QualificationModel) -> str:
        report = obj.trial_report or {}
        if not obj.trialled_at or not report:
            return "Not tested yet: use the action 'Test the selected drafts against recent leads'."
        moves = ", ".join(f"{move}: {count}" for move, count in report.get("moves", {}).items())
        header = format_html(
            "<p>Tested {} on {} lead(s) from the last {} days: <strong>{} would change "
            "tier</strong> ({}).</p>",
            london(obj.trialled_at),
            report.get("leads", 0),
            report.get("days", 0),
            report.get("changed", 0),
            moves or "no leads",
        )
        rows = format_html_join(
            "",
            "<tr><td><a href='{}'>{}</a></td><td>{} ({})</td><td><strong>{}</strong> ({})</td>"
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    reverse("admin:leads_lead_change", args=[row["lead_id"]]),
                    row["reference"],
                    row["current_tier"],
                    row["current_score"] if row["current_score"] is not None else "—",
                    row["draft_tier"],
                    row["draft_score"],
                    row.get("override_tier") or "",
                    basis_list(row["draft_basis"]),
                )
                for row in report.get("changes", [])
            ),
        )
        if not report.get("changes"):
            return header
        return format_html(
            "{}<table><thead><tr><th>lead</th><th>now (score)</th><th>draft (score)</th>"
            "<th>person's tier</th><th>draft's basis</th></tr></thead><tbody>{}</tbody></table>",
            header,
            rows,
        )

    @admin.display(description="classifiers")
    def classifiers(self, obj: QualificationModel) -> str:
        report = obj.classifier_report or {}
        if not obj.is_trained:
            return (
                "Not trained: practice areas are read by keywords and non-enquiries by "
                "phrases. Make a new draft to train the classifiers on the labelled corpus."
            )
        sets = ", ".join(f"{name} {count}" for name, count in report.get("by_set", {}).items())
        return format_html(
            "<p>Trained {} on {} labelled enquiries ({}): {} genuine, {} not enquiries; "
            "scikit-learn {}; {} KB, digest <code>{}</code>.</p>",
            london(obj.trained_at),
            report.get("examples", 0),
            sets,
            report.get("genuine", 0),
            report.get("not_enquiries", 0),
            report.get("scikit_learn", "?"),
            round(report.get("bytes", 0) / 1024),
            obj.classifier_digest[:16],
        )

    @admin.display(description="overrides")
    def shadow(self, obj: QualificationModel) -> str:
        found = (obj.trial_report or {}).get("shadow")
        if not found:
            return "Compared when the draft is tested against recent leads."
        if not found.get("overrides"):
            return "No lead's tier has been set by a person yet: nothing to compare."
        lines = []
        for label in ("active", "candidate"):
            figures = found.get(label)
            if figures:
                lines.append(
                    format_html(
                        "<li>{} v{} {}: agrees with the person on <strong>{} of {}</strong> "
                        "({}){}</li>",
                        "Active" if label == "active" else "This version",
                        figures["version"],
                        figures["name"],
                        figures["agree"],
                        found["overrides"],
                        f"{figures['agreement']:.0%}",
                        "; outcomes by its tier: "
                        + ", ".join(f"{key} {count}" for key, count in figures["outcomes"].items())
                        if figures["outcomes"]
                        else "",
                    )
                )
        verdict = (
            "At least as good as the active version on data neither was built from."
            if found.get("candidate_at_least_as_good", True)
            else "Worse than the active version: it cannot be activated."
        )
        rows = format_html_join(
            "",
            "<tr><td><a href='{}'>{}</a></td><td>{}</td><td>{}</td><td><strong>{}</strong></td>"
            "<td>{}</td><td>{}</td></tr>",
            (
                (
                    reverse("admin:leads_lead_change", args=[row["lead_id"]]),
                    row["reference"],
                    row["person"],
                    row["active"],
                    row["candidate"],
                    row["outcome"] or "open",
                    row["reason"],
                )
                for row in found.get("rows", [])
            ),
        )
        table = (
            format_html(
                "<table><thead><tr><th>lead</th><th>person's tier</th><th>active</th>"
                "<th>this version</th><th>outcome</th><th>person's reason</th></tr></thead>"
                "<tbody>{}</tbody></table>",
                rows,
            )
            if found.get("rows")
            else ""
        )
        return format_html(
            "<ul>{}</ul><p>{}</p>{}",
            format_html_join("", "{}", ((line,) for line in lines)),
            verdict,
            table,
        )

    @admin.action(description="Make a new draft from the selected version")
    def make_draft(self, request: HttpRequest, queryset: QuerySet[QualificationModel]) -> None:
        for model in queryset:
            draft = services.qualification_model_draft(
                name=f"{model.name} (draft)", based_on=model, actor=request.user
            )
            self.message_user(request, f"Draft v{draft.version} made from v{model.version}.")

    @admin.action(description="Test the selected drafts against recent leads")
    def test_drafts(self, request: HttpRequest, queryset: QuerySet[QualificationModel]) -> None:
        for model in queryset:
            try:
                report = services.qualification_model_trial(model=model)
            except ValidationError as exc:
                self.message_user(request, f"v{model.version}: {error_text(exc)}", messages.ERROR)
                continue
            self.message_user(
                request,
                f"v{model.version} tested on {report['leads']} lead(s): {report['changed']} "
                "would change tier. Open the version to see them side by side.",
            )

    @admin.action(description="Activate the selected draft")
    def activate(self, request: HttpRequest, queryset: QuerySet[QualificationModel]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one draft to activate.", messages.ERROR)
            return
        model = queryset.get()
        try:
            services.qualification_model_activate(model=model, actor=request.user)
        except ValidationError as exc:
            self.message_user(request, error_text(exc), messages.ERROR)
            return
        self.message_user(
            request,
            f"v{model.version} is now active. Re-qualify open leads with the lead list's "
            "'Re-qualify' action or 'manage.py requalify --open'.",
            messages.SUCCESS,
        )


@admin.register(QualificationResult)
class QualificationResultAdmin(LeadScopedAdminMixin, SimpleHistoryAdmin):
    """Every lead's result, for checking the model against people's judgement."""

    list_display = ["lead", "tier", "override_tier", "score", "practice_area", "version", "at"]
    list_filter = ["tier", "override_tier", "model_version", "practice_area", "urgency"]
    list_select_related = ["lead", "practice_area", "model_version"]
    search_fields = ["lead__reference", "summary"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="model", ordering="model_version__version")
    def version(self, obj: QualificationResult) -> str:
        return f"v{obj.model_version.version}"

    @admin.display(description="qualified (London)", ordering="qualified_at")
    def at(self, obj: QualificationResult) -> str:
        return london(obj.qualified_at)


# --- The lead page's qualification parts (composed in leadtrack/admin.py) ---------------


class QualificationInline(admin.StackedInline):
    """The lead's qualification, read-only, with the link to override its tier."""

    model = QualificationResult
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name = "qualification"
    verbose_name_plural = "qualification"
    fields = [
        ("effective", "score", "model_used"),
        "basis_display",
        "recommended_action",
        "summary",
        ("requirement", "commercial", "urgency_display", "decision_position"),
        "flags_display",
        "override",
    ]
    readonly_fields = [
        "effective",
        "score",
        "model_used",
        "basis_display",
        "recommended_action",
        "summary",
        "requirement",
        "commercial",
        "urgency_display",
        "decision_position",
        "flags_display",
        "override",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("practice_area", "model_version", "overridden_by")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="tier")
    def effective(self, obj: QualificationResult) -> str:
        if obj.is_overridden:
            return f"{obj.override_tier} (set by a person; the model said {obj.tier})"
        return obj.tier

    @admin.display(description="model")
    def model_used(self, obj: QualificationResult) -> str:
        return f"v{obj.model_version.version} {obj.model_version.name}, {london(obj.qualified_at)}"

    @admin.display(description="basis")
    def basis_display(self, obj: QualificationResult) -> str:
        return basis_list(obj.basis)

    @admin.display(description="requirement type")
    def requirement(self, obj: QualificationResult) -> str:
        return obj.practice_area.name if obj.practice_area else "Unclassified"

    @admin.display(description="commercial significance")
    def commercial(self, obj: QualificationResult) -> str:
        value = f", likely fee £{obj.estimated_value:,.0f}" if obj.estimated_value else ""
        return f"{obj.get_commercial_significance_display()}{value}"

    @admin.display(description="urgency")
    def urgency_display(self, obj: QualificationResult) -> str:
        due = f", due {london(obj.urgency_due_at)}" if obj.urgency_due_at else ""
        return f"{obj.get_urgency_display()}{due}"

    @admin.display(description="flags")
    def flags_display(self, obj: QualificationResult) -> str:
        return ", ".join(obj.flags) or "—"

    @admin.display(description="override")
    def override(self, obj: QualificationResult) -> str:
        link = reverse("admin:leads_lead_override_tier", args=[obj.lead_id])
        if obj.is_overridden:
            return format_html(
                "Tier {} set by {} on {}: {} · <a href='{}'>change</a>",
                obj.override_tier,
                obj.overridden_by or "—",
                london(obj.overridden_at),
                obj.override_reason,
                link,
            )
        return format_html("<a href='{}'>Override the tier…</a>", link)


class LeadQualificationAdmin(admin.ModelAdmin):
    """The lead admin's qualification parts: inline, override view and re-qualify action."""

    qualification_actions = ["requalify"]

    def get_urls(self):
        return [
            path(
                "<int:lead_id>/override-tier/",
                self.admin_site.admin_view(self.override_tier_view),
                name="leads_lead_override_tier",
            ),
            *super().get_urls(),
        ]

    def override_tier_view(self, request: HttpRequest, lead_id: int) -> HttpResponse:
        # Not found, as for a lead that does not exist, unless the user may see it.
        lead = get_object_or_404(visible_leads(request.user, Lead.objects.all()), pk=lead_id)
        if not self.has_change_permission(request, lead) and not self.has_view_permission(
            request, lead
        ):
            return HttpResponseRedirect(reverse("admin:index"))
        result = QualificationResult.objects.filter(lead=lead).first()
        form = TierOverrideForm(
            request.POST or None, initial={"tier": result and result.override_tier}
        )
        if request.method == "POST" and not self.has_change_permission(request, lead):
            raise PermissionDenied  # seeing a lead is not changing its tier
        if request.method == "POST" and form.is_valid():
            tier = form.cleaned_data["tier"]
            reason = form.cleaned_data["reason"]
            try:
                if tier:
                    services.qualification_override(
                        lead=lead, tier=tier, reason=reason, actor=request.user
                    )
                else:
                    services.qualification_override_clear(
                        lead=lead, reason=reason, actor=request.user
                    )
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                self.message_user(request, f"{lead}: tier now {lead.tier}.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:leads_lead_change", args=[lead.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Override the tier of {lead}",
            "lead": lead,
            "result": result,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/qualification/override_tier.html", context)

    @admin.action(description="Re-qualify the selected leads under the active model")
    def requalify(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        report = services.leads_requalify(
            leads=queryset, actor=request.user, reason="re-qualified from the admin"
        )
        self.message_user(
            request,
            f"Re-qualified {report.count} lead(s); {report.changed} changed tier.",
            messages.SUCCESS,
        )
