"""Routes of the public pages."""

from django.urls import path

from leadtrack.public import views

urlpatterns = [
    path("enquire/", views.enquire, name="enquire"),
    path("enquire/thanks/", views.enquiry_thanks, name="enquiry-thanks"),
]
