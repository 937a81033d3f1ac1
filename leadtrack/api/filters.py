"""Filters on the lead list: status, tier, channel, owner, source, arrival range."""

import django_filters

from leads.choices import Channel, Status, Tier
from leads.models import Lead


class LeadFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices)
    channel = django_filters.MultipleChoiceFilter(choices=Channel.choices)
    owner = django_filters.NumberFilter(field_name="owner_id")
    source = django_filters.CharFilter(field_name="source", lookup_expr="iexact")
    arrived_after = django_filters.IsoDateTimeFilter(field_name="arrived_at", lookup_expr="gte")
    arrived_before = django_filters.IsoDateTimeFilter(field_name="arrived_at", lookup_expr="lt")

    class Meta:
        model = Lead
        fields = ["status", "tier", "channel", "owner", "source"]
