"""API views: thin presentation over the leads services and selectors."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import filters, mixins, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from followups import selectors as followup_selectors
from followups import services as followup_services
from followups.models import FollowUp
from leads import selectors, services
from leads.models import Lead
from leadtrack.access import visible_followups, visible_leads
from leadtrack.api.filters import LeadFilter
from leadtrack.api.permissions import IsStaffUser, MayChangeWhatTheySee
from leadtrack.api.serializers import (
    ActivityOutput,
    AssignInput,
    ContactLogInput,
    FollowUpOutput,
    FollowUpUpdateInput,
    LeadCaptureInput,
    LeadOutput,
    NoteInput,
    StatusChangeInput,
)
from qualification.selectors import leads_with_qualification
from routing import selectors as routing_selectors
from routing import services as routing_services

IDEMPOTENCY_KEY_MAX = 200


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the account's API token."""

    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        finally:
            # django-axes marks the request it was given (DRF's); its middleware reads
            # Django's, and then answers with the lockout message (leadtrack/lockout.py).
            for name in ("axes_locked_out", "axes_credentials"):
                if hasattr(request, name):
                    setattr(request._request, name, getattr(request, name))


class LeadSearchFilter(filters.SearchFilter):
    """``?search=``: the lead list's one search (leads.selectors.leads_search), phone
    numbers in any format included."""

    def filter_queryset(self, request, queryset, view):
        return selectors.leads_search(queryset, " ".join(self.get_search_terms(request)))

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["description"] = (
                "Reference, name, email, organisation or phone number (any format)."
            )
        return parameters

    def get_search_fields(self, view, request):
        return selectors.LEAD_SEARCH_FIELDS


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leads: capture, list, detail, timeline and status changes."""

    serializer_class = LeadOutput
    filterset_class = LeadFilter
    filter_backends = [
        *viewsets.GenericViewSet.filter_backends,
        LeadSearchFilter,
        filters.OrderingFilter,
    ]
    ordering_fields = ["arrived_at", "captured_at", "reference"]
    ordering = ["-arrived_at", "-pk"]

    permission_classes = [IsStaffUser, MayChangeWhatTheySee]

    def get_queryset(self):
        # Only the leads this user may see (leadtrack.access, as in the admin): any other
        # lead is a 404 on every route, reading or writing.
        if getattr(self, "swagger_fake_view", False):  # the schema generator, no user
            return Lead.objects.none()
        return visible_leads(self.request.user, self._leads())

    def _leads(self):
        # The qualification joined, and the next action of every lead on a page in one
        # more query.
        return leads_with_qualification(selectors.lead_list()).prefetch_related(
            Prefetch(
                "followups",
                queryset=FollowUp.objects.filter(completed_at__isnull=True).order_by(
                    "due_at", "pk"
                ),
                to_attr="open_followups",
            )
        )

    @extend_schema(
        request=LeadCaptureInput,
        responses={201: LeadOutput, 200: LeadOutput},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Repeat a capture safely: the same key returns the first lead.",
            )
        ],
    )
    def create(self, request: Request) -> Response:
        """Capture a lead (channel ``api`` unless one is given)."""
        data = LeadCaptureInput(data=request.data)
        data.is_valid(raise_exception=True)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise ValidationError(
                {"Idempotency-Key": [f"Use at most {IDEMPOTENCY_KEY_MAX} characters."]}
            )
        values = data.validated_data
        same_matter = None
        if values["reference"]:
            # Only a lead the caller may see can be named, so a reference never reveals or
            # joins another team's lead.
            same_matter = (
                visible_leads(request.user, Lead.objects.all())
                .filter(reference=values["reference"].strip())
                .first()
            )
            if same_matter is None:
                raise ValidationError(
                    {
                        "reference": [
                            f"No lead you may see has the reference “{values['reference']}”."
                        ]
                    }
                )
        capture = services.lead_capture(
            channel=values["channel"],
            contact=services.ContactDetails(**values["contact"]),
            message=values["message"],
            subject=values["subject"],
            source=values["source"],
            arrived_at=values["arrived_at"],
            utm=values["utm"],
            consent=values["consent"],
            provider="api",
            external_id=f"{request.user.pk}:{key}" if key else None,
            raw=request.body.decode("utf-8", errors="replace"),
            payload=request.data,
            actor=request.user,
            same_matter=same_matter,
            same_matter_reason=f"The API call named {same_matter.reference}" if same_matter else "",
        )
        # The capturer gets back the lead they sent, whoever it was routed to.
        lead = self._leads().get(pk=capture.lead.pk)
        code = status.HTTP_201_CREATED if capture.created else status.HTTP_200_OK
        return Response(LeadOutput(lead).data, status=code)

    @extend_schema(responses=ActivityOutput(many=True), filters=False)
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def activities(self, request: Request, pk=None) -> Response:
        """The lead's timeline, oldest first."""
        lead = self.get_object()
        return Response(ActivityOutput(selectors.lead_timeline(lead=lead), many=True).data)

    @extend_schema(request=StatusChangeInput, responses=LeadOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def status(self, request: Request, pk=None) -> Response:
        """Change the lead's status; ``lost`` and ``disqualified`` need a ``reason`` (one of
        the firm's closure reasons where it keeps a list), ``won`` needs ``agreed_fee`` and
        ``matter_reference``."""
        lead: Lead = self.get_object()
        data = StatusChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            services.lead_change_status(
                lead=lead,
                status=data.validated_data["status"],
                reason=data.validated_data["reason"],
                agreed_fee=data.validated_data["agreed_fee"],
                matter_reference=data.validated_data["matter_reference"],
                actor=request.user,
            )
        return Response(LeadOutput(self.get_queryset().get(pk=lead.pk)).data)

    def _log_contact(self, request: Request, service) -> Response:
        lead: Lead = self.get_object()
        data = ContactLogInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        activity = service(
            lead=lead,
            summary=values["summary"],
            outcome=values["outcome"],
            agreed=values["agreed"],
            call_back_at=values["call_back_at"],
            at=values["at"],
            actor=request.user,
        )
        return Response(ActivityOutput(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ContactLogInput, responses={201: ActivityOutput})
    @action(detail=True, methods=["post"], filterset_class=None)
    def calls(self, request: Request, pk=None) -> Response:
        """Log a call with the enquirer and its ``outcome``, which decides the next step."""
        return self._log_contact(request, services.lead_log_call)

    @extend_schema(request=ContactLogInput, responses={201: ActivityOutput})
    @action(detail=True, methods=["post"], filterset_class=None)
    def meetings(self, request: Request, pk=None) -> Response:
        """Log a meeting booked or held; it completes the follow-up it satisfies."""
        return self._log_contact(request, services.lead_log_meeting)

    @extend_schema(request=NoteInput, responses={201: ActivityOutput})
    @action(detail=True, methods=["post"], filterset_class=None)
    def notes(self, request: Request, pk=None) -> Response:
        """Add a note to the lead's timeline."""
        lead: Lead = self.get_object()
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.lead_add_note(
            lead=lead, text=data.validated_data["text"], actor=request.user
        )
        return Response(ActivityOutput(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AssignInput, responses=LeadOutput)
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request: Request, pk=None) -> Response:
        """Give the lead to another member, with a ``reason``; the new owner is briefed."""
        lead: Lead = self.get_object()
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        member = (
            routing_selectors.members_for_choice().filter(pk=data.validated_data["member"]).first()
        )
        if member is None:
            raise ValidationError(
                {"member": [f"No active member has id {data.validated_data['member']}."]}
            )
        routing_services.lead_reassign(
            lead=lead, member=member, reason=data.validated_data["reason"], actor=request.user
        )
        return Response(LeadOutput(self.get_queryset().get(pk=lead.pk)).data)


class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-ups: read one, list the open ones (``?mine=true``, ``?overdue=true``), and
    complete, reschedule or snooze one with PATCH."""

    serializer_class = FollowUpOutput
    filter_backends: list = []
    permission_classes = [IsStaffUser, MayChangeWhatTheySee]

    def get_queryset(self):
        # Only follow-ups on leads this user may see: any other is a 404.
        if getattr(self, "swagger_fake_view", False):  # the schema generator, no user
            return FollowUp.objects.none()
        queryset = visible_followups(
            self.request.user, followup_selectors.followup_list().order_by("due_at", "pk")
        )
        if self.action != "list":
            return queryset
        params = self.request.query_params
        queryset = queryset.filter(completed_at__isnull=True)
        if params.get("mine", "").lower() in ("1", "true", "yes"):
            queryset = queryset.filter(owner=self.request.user)
        if params.get("overdue", "").lower() in ("1", "true", "yes"):
            queryset = queryset.filter(due_at__lte=timezone.now())
        return queryset

    @extend_schema(
        parameters=[
            OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only mine."),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="Only overdue ones."),
        ]
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        """Open follow-ups, most urgent first."""
        return super().list(request, *args, **kwargs)

    @extend_schema(request=FollowUpUpdateInput, responses=FollowUpOutput)
    def partial_update(self, request: Request, pk=None) -> Response:
        """Complete (``completed_at``), reschedule (``due_at``) or snooze
        (``snooze_until`` and ``reason``) a follow-up."""
        followup: FollowUp = self.get_object()
        data = FollowUpUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with transaction.atomic():
            if "completed_at" in values:
                followup_services.followup_complete(
                    followup=followup,
                    at=values["completed_at"],
                    note=values["note"] or values["reason"],
                    actor=request.user,
                )
            elif "due_at" in values:
                followup_services.followup_reschedule(
                    followup=followup,
                    due_at=values["due_at"],
                    reason=values["reason"],
                    actor=request.user,
                )
            else:
                followup_services.followup_snooze(
                    followup=followup,
                    until=values["snooze_until"],
                    reason=values["reason"],
                    actor=request.user,
                )
        return Response(FollowUpOutput(self.get_queryset().get(pk=followup.pk)).data)
