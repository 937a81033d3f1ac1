"""Who may see what is tied to a lead, for every surface of every app.

The rule itself (a partner sees the firm; a fee earner sees their own and their team's
leads) needs routing's teams, so it lives in the project package
(``leadtrack.access.visible_leads``) and is named by ``LEADTRACK_LEAD_VISIBILITY``, as the
pipeline steps are named by a setting. The leads app and every app above it read through
the functions here, so follow-ups, escalations, messages in and out, attachments,
assignments and qualification results are seen by exactly those who may see their lead.
A row tied to no lead (spam held for review, a digest) is seen only by those who see
every lead.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from leads.models import Lead

VIEW_ALL_LEADS = "leads.view_all_leads"


def sees_all_leads(user) -> bool:
    """Whether the user sees every lead in the firm (partners, superusers)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.has_perm(VIEW_ALL_LEADS))
    )


def visible_leads(user, queryset: QuerySet[Lead] | None = None) -> QuerySet[Lead]:
    """The leads this user may see, by the firm's configured rule."""
    if not user.is_authenticated or not user.is_active:
        return (queryset if queryset is not None else Lead.objects.all()).none()
    return import_string(settings.LEADTRACK_LEAD_VISIBILITY)(user, queryset)


def visible_to(user, queryset: QuerySet, *, lead_path: str = "lead") -> QuerySet:
    """The rows of ``queryset`` whose lead (reached by ``lead_path``) this user may see;
    rows tied to no lead only for those who see every lead."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sees_all_leads(user):
        return queryset
    return queryset.filter(**{f"{lead_path}__in": visible_leads(user).values("pk")})


def may_see(user, obj, *, lead_path: str = "lead") -> bool:
    """Whether this user may see ``obj`` (a row tied to a lead by ``lead_path``)."""
    if obj is None:
        return False
    return visible_to(
        user, type(obj)._default_manager.filter(pk=obj.pk), lead_path=lead_path
    ).exists()


class LeadScopedAdminMixin:
    """A ModelAdmin whose rows are tied to a lead: its list, pages, actions, autocomplete
    and history show only rows whose lead the user may see; any other is "not found"
    (the same answer as for a row that does not exist)."""

    lead_path = "lead"

    def get_queryset(self, request):
        return visible_to(request.user, super().get_queryset(request), lead_path=self.lead_path)

    def has_view_permission(self, request, obj=None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or may_see(request.user, obj, lead_path=self.lead_path))

    def has_change_permission(self, request, obj=None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_see(request.user, obj, lead_path=self.lead_path))
