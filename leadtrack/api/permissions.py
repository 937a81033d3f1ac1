"""Who may use the API: signed-in staff (fee earners, partners, integration users)."""

from rest_framework.permissions import BasePermission


class IsStaffUser(BasePermission):
    message = "Your account may not use the Leadtrack API; ask a partner for API access."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
