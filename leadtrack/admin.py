"""The tracker's lead page, composed from every app's pieces.

``leads`` registers the lead admin with what it owns (origin, identity, progress, the
timeline). Apps above it (qualification, routing, follow-ups) must not be imported by
``leads``, so their parts of the lead page (inlines, fields, actions) are added here,
in the project package, which may import them all.
"""

from django.contrib import admin

from leads.admin import LeadAdmin
from leads.models import Lead
from qualification.admin import LeadQualificationAdmin, QualificationInline
from routing.admin import LeadRoutingAdmin


class TrackerLeadAdmin(LeadRoutingAdmin, LeadQualificationAdmin, LeadAdmin):
    """The lead admin with the higher apps' parts added (see the module docstring)."""

    inlines = [QualificationInline, *LeadRoutingAdmin.routing_inlines, *LeadAdmin.inlines]
    actions = [
        *LeadAdmin.actions,
        *LeadQualificationAdmin.qualification_actions,
        *LeadRoutingAdmin.routing_actions,
    ]
    list_filter = [*LeadAdmin.list_filter, *LeadRoutingAdmin.routing_list_filters]


admin.site.unregister(Lead)
admin.site.register(Lead, TrackerLeadAdmin)
