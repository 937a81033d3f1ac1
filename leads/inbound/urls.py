"""The inbound webhook URL of every ESP anymail receives email from, at the paths anymail
documents (``/anymail/<esp>/inbound/``), served by Leadtrack's views so each failure gets
a clear answer. Included before ``anymail.urls``, whose tracking webhooks still apply.

Unisender Go is absent: anymail 15.2 has no inbound webhook for it (tracking only).
"""

from django.urls import path, re_path

from leads.inbound.esp import (
    amazon_ses,
    brevo,
    mailersend,
    mailgun,
    mailjet,
    mailtrap,
    postal,
    postmark,
    resend,
    sendgrid,
    sparkpost,
)

app_name = "inbound"
urlpatterns = [
    path("amazon_ses/inbound/", amazon_ses.View.as_view(), name="amazon_ses"),
    path("brevo/inbound/", brevo.View.as_view(), name="brevo"),
    path("sendinblue/inbound/", brevo.SendinBlueView.as_view(), name="sendinblue"),
    path("mailersend/inbound/", mailersend.View.as_view(), name="mailersend"),
    # "inbound_mime" makes Mailgun post the raw MIME (body-mime), as anymail documents.
    re_path(r"^mailgun/inbound(_mime)?/$", mailgun.View.as_view(), name="mailgun"),
    path("mailjet/inbound/", mailjet.View.as_view(), name="mailjet"),
    path("mailtrap/inbound/", mailtrap.View.as_view(), name="mailtrap"),
    path("postal/inbound/", postal.View.as_view(), name="postal"),
    path("postmark/inbound/", postmark.View.as_view(), name="postmark"),
    path("resend/inbound/", resend.View.as_view(), name="resend"),
    path("sendgrid/inbound/", sendgrid.View.as_view(), name="sendgrid"),
    path("sparkpost/inbound/", sparkpost.View.as_view(), name="sparkpost"),
]
