from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.urls import path

urlpatterns = [
    path("anymail/postmark/inbound/", PostmarkInboundWebhookView.as_view()),
]
