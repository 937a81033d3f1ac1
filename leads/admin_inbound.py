"""Inbound messages in the admin: every email kept, whatever it turned out to be
(enquiry, reply, staff reply, auto-reply, bounce, list mail, spam held for review, or
one that failed), with its text, its sanitised HTML (nothing that runs or fetches), its
attachments (downloaded, never rendered) and the raw payload. Presentation only."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from leads.admin import ReadOnlyAdmin, london
from leads.choices import InboundKind
from leads.inbound.bodies import html_sanitise
from leads.models import Attachment, InboundMessage
from leads.services.inbound import inbound_email_release
from leads.visibility import LeadScopedAdminMixin, sees_all_leads


def attachment_link(attachment: Attachment) -> str:
    if not attachment.file:
        return attachment.refused_reason or "—"
    url = reverse(
        "admin:leads_inboundmessage_attachment", args=[attachment.inbound_id, attachment.pk]
    )
    return format_html('<a href="{}">Download</a>', url)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ["filename", "content_type", "size", "inline", "download"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="file")
    def download(self, obj: Attachment) -> str:
        return attachment_link(obj)


class InboundEmailInline(admin.TabularInline):
    """The emails on a lead's page: what came in and what staff sent, with a link."""

    model = InboundMessage
    fk_name = "lead"
    fields = ["arrived", "kind", "from_email", "subject", "open_link"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    classes = ["collapse"]
    verbose_name = "email"
    verbose_name_plural = "emails"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(channel="email").order_by("arrived_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="arrived (London)")
    def arrived(self, obj: InboundMessage) -> str:
        return london(obj.arrived_at or obj.received_at)

    @admin.display(description="")
    def open_link(self, obj: InboundMessage) -> str:
        url = reverse("admin:leads_inboundmessage_change", args=[obj.pk])
        return format_html('<a href="{}">Open</a>', url)


admin.site.unregister(InboundMessage)


@admin.register(InboundMessage)
class InboundMessageAdmin(LeadScopedAdminMixin, ReadOnlyAdmin):
    list_display = [
        "received",
        "arrived",
        "provider",
        "kind",
        "from_email",
        "subject",
        "lead",
        "attempts",
        "machine_detector",
        "failed_addresses",
        "bounced_email_link",
    ]
    list_filter = ["kind", "machine_detector", "provider", "channel", "arrival_basis"]
    search_fields = [
        "from_email",
        "subject",
        "message_id",
        "external_id",
        "lead__reference",
        "original_message_id",
    ]
    list_select_related = ["lead", "bounced_email"]
    date_hierarchy = "received_at"
    show_full_result_count = False
    actions = ["process_again"]
    inlines = [AttachmentInline]
    fieldsets = [
        (None, {"fields": [("kind", "reason"), "lead", ("provider", "channel")]}),
        (
            "Machine mail",
            {
                "fields": [
                    "machine_detector",
                    "failed_addresses",
                    "original_message_id",
                    "bounced_email_link",
                ]
            },
        ),
        (
            "Email",
            {
                "fields": [
                    ("from_name", "from_email"),
                    "to",
                    "cc",
                    "subject",
                    "summary",
                    "body_text",
                    "html_preview",
                ]
            },
        ),
        (
            "Arrival",
            {"fields": [("arrived_at", "arrival_basis"), ("received_at", "processed_at")]},
        ),
        (
            "Identity and threading",
            {"fields": ["message_id", "esp_event_id", "external_id", "in_reply_to", "references"]},
        ),
        (
            "Processing",
            {"fields": [("attempts", "spam_score"), "error"], "classes": ["collapse"]},
        ),
        ("Raw payload", {"fields": ["raw_format", "raw_text", "payload"], "classes": ["collapse"]}),
    ]
    readonly_fields = [
        field
        for fieldset in fieldsets
        for row in fieldset[1]["fields"]
        for field in (row if isinstance(row, tuple) else (row,))
    ]

    @admin.display(description="received (London)", ordering="received_at")
    def received(self, obj: InboundMessage) -> str:
        return london(obj.received_at)

    @admin.display(description="arrived (London)", ordering="arrived_at")
    def arrived(self, obj: InboundMessage) -> str:
        return london(obj.arrived_at)

    @admin.display(description="failed addresses")
    def failed_addresses(self, obj: InboundMessage) -> str:
        return ", ".join(obj.failed_recipients or []) or "—"

    @admin.display(description="bounced email")
    def bounced_email_link(self, obj: InboundMessage) -> str:
        if obj.bounced_email_id is None:
            return "—"
        url = reverse("admin:leads_outboundemail_change", args=[obj.bounced_email_id])
        return format_html('<a href="{}">{}</a>', url, obj.bounced_email)

    @admin.display(description="HTML (sanitised)")
    def html_preview(self, obj: InboundMessage) -> str:
        if not obj.body_html:
            return "—"
        # Sanitised again at display: no script, style, image or other remote content.
        return mark_safe(  # noqa: S308 (nh3-sanitised just above)
            f'<div class="leadtrack-email-html">{html_sanitise(obj.body_html)}</div>'
        )

    @admin.display(description="raw")
    def raw_text(self, obj: InboundMessage) -> str:
        # An email's payload is kept as bytes; shown as text, undecodable bytes replaced
        # and NUL shown as the escape it is.
        raw = obj.raw or bytes(obj.raw_bytes or b"")[:200_000].decode("utf-8", "replace")
        raw = raw.replace("\x00", "\\x00")
        return format_html("<pre style='white-space:pre-wrap'>{}</pre>", raw[:200_000])

    def has_release_permission(self, request: HttpRequest) -> bool:
        # Releasing held spam or a failed email decides what becomes a lead: the firm's
        # business, not one team's.
        return sees_all_leads(request.user) and self.has_view_permission(request)

    @admin.action(
        description="Process again (spam released, or a failed email)", permissions=["release"]
    )
    def process_again(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        done = 0
        for inbound in queryset.filter(kind__in=[InboundKind.SPAM, InboundKind.FAILED]):
            result = inbound_email_release(inbound=inbound, actor=request.user)
            done += result.processed_at is not None
        self.message_user(request, f"{done} email(s) processed again.", messages.SUCCESS)

    def get_urls(self):
        return [
            path(
                "<int:inbound_id>/attachment/<int:attachment_id>/",
                self.admin_site.admin_view(self.attachment_download),
                name="leads_inboundmessage_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_download(self, request: HttpRequest, inbound_id: int, attachment_id: int):
        """The file as a download (never rendered in the browser)."""
        if not self.has_view_permission(request):
            raise Http404
        # Only through a message this user may see (its lead's visibility): else not found.
        inbound = get_object_or_404(self.get_queryset(request), pk=inbound_id)
        attachment = get_object_or_404(Attachment, pk=attachment_id, inbound=inbound)
        if not attachment.file:
            raise Http404("This attachment was not kept.")
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.filename,
            content_type="application/octet-stream",
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
