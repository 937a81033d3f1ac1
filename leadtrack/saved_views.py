"""Saved views of the lead list: a person saves the list as they have it (filters,
search, order and their choice of columns) under a name, opens it again from the list,
and may share it with their team (routing's teams); each person deletes only their own.

A view holds no leads, only the question: whoever opens a shared view sees the leads
that question finds among those they may see (``leadtrack.access``)."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from leadtrack.models import SavedView
from routing.models import Member

# Query-string parameters that are not part of a view: the page, the admin's popup and
# error markers.
NOT_SAVED = {"p", "e", "_popup", "_to_field", "_changelist_filters"}
# The most views one person keeps.
MAX_VIEWS_EACH = 30


def saved_view_query_clean(query: str) -> str:
    """The list's query string without the page and the admin's markers."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    for name in NOT_SAVED:
        params.pop(name, None)
    return params.urlencode()


@transaction.atomic
def saved_view_save(
    *, owner: AbstractBaseUser, name: str, query: str, columns: list[str], shared: bool
) -> SavedView:
    """Save (or replace) the owner's view of this name."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the view a name."})
    if len(name) > 80:
        raise ValidationError({"name": "A view's name must be 80 characters or fewer."})
    query = saved_view_query_clean(query)
    if len(query) > 1000:
        raise ValidationError({"query": "This list has too many filters to save."})
    existing = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
    if existing is None and SavedView.objects.filter(owner=owner).count() >= MAX_VIEWS_EACH:
        raise ValidationError(
            {"name": f"You have {MAX_VIEWS_EACH} saved views; delete one to save another."}
        )
    view = existing or SavedView(owner=owner, name=name)
    view.query, view.columns, view.shared = query, list(columns), bool(shared)
    view.updated_at = timezone.now()
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: AbstractBaseUser) -> None:
    """Delete a view; only its owner may."""
    if view.owner_id != actor.pk:
        raise PermissionDenied("Only the person who saved a view may delete it.")
    view.delete()


def saved_views_for(user: AbstractBaseUser) -> QuerySet[SavedView]:
    """The views a person may open: their own, and those shared by people in their team
    (or, shared by someone in no team, by anyone at the firm), with each owner."""
    team_id = Member.objects.filter(user=user).values_list("team_id", flat=True).first()
    offered = Q(owner=user) | Q(shared=True, owner__member__team__isnull=True)
    if team_id:
        offered |= Q(shared=True, owner__member__team_id=team_id)
    return SavedView.objects.filter(offered).select_related("owner").order_by("name", "pk")
