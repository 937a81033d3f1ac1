"""API views: thin presentation over the leads services and selectors."""

from django.db import transaction
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

from leads import selectors, services
from leads.models import Lead
from leadtrack.api.filters import LeadFilter
from leadtrack.api.serializers import (
    ActivityOutput,
    AssignInput,
    LeadCaptureInput,
    LeadOutput,
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
        return super().post(request, *args, **kwargs)


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Leads: capture, list, detail, timeline and status changes."""

    serializer_class = LeadOutput
    filterset_class = LeadFilter
    filter_backends = [
        *viewsets.GenericViewSet.filter_backends,
        filters.SearchFilter,
        filters.OrderingFilter,
    ]
    search_fields = ["reference", "contact__name", "contact__email", "contact__organisation"]
    ordering_fields = ["arrived_at", "captured_at", "reference"]
    ordering = ["-arrived_at", "-pk"]

    def get_queryset(self):
        return leads_with_qualification(selectors.lead_list())

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
        )
        lead = self.get_queryset().get(pk=capture.lead.pk)
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
        """Change the lead's status; ``lost`` and ``disqualified`` need a ``reason``."""
        lead: Lead = self.get_object()
        data = StatusChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            services.lead_change_status(
                lead=lead,
                status=data.validated_data["status"],
                reason=data.validated_data["reason"],
                actor=request.user,
            )
        return Response(LeadOutput(self.get_queryset().get(pk=lead.pk)).data)

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
