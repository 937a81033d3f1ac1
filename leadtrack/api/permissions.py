"""Who may use the API: signed-in staff (fee earners, partners, integration users)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class IsStaffUser(BasePermission):
    message = "Your account may not use the Leadtrack API; ask a partner for API access."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class MayChangeWhatTheySee(BasePermission):
    """Reading is for anyone the view's queryset lets see the object (visibility is the
    queryset's: leadtrack.access); changing it needs the model's change permission too."""

    message = "Your account may read this but not change it; ask a partner."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS or getattr(view, "action", None) == "create":
            return True
        model = view.get_queryset().model
        return request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
