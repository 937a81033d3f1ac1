"""Every other ESP's inbound webhook, posted as that ESP posts it: Amazon SES (an SNS
notification with the email inline), Brevo (and its old SendinBlue URL), MailerSend,
Mailjet, Mailtrap, Postal, Resend and SparkPost. Each genuine delivery becomes exactly one
lead with its raw payload kept and its true arrival time, the ESP's repeat of it adds
nothing, and a delivery that is wrongly signed or authenticated is refused with nothing
stored. (Postmark, Mailgun and SendGrid are in ``test_inbound_webhooks.py``.)

How each ESP proves a post is genuine, as anymail 15.2 checks it:

- **Amazon SES**: basic auth in the SNS subscription URL, and the SNS headers must match
  the body. anymail does not verify SNS's own message signature (its code says "Future:
  Verify SNS message signature"), so there is no certificate fetch to mock: the
  ``Signature`` and ``SigningCertURL`` fields are posted as SNS sends them and not read.
  The SNS receipt action carries the email inline; for the S3 action anymail downloads
  it through boto3, whose S3 client is mocked.
- **Brevo, Mailjet, SparkPost**: basic auth only (none of them signs inbound posts).
- **MailerSend**: an HMAC-SHA256 of the body with the inbound route's secret.
- **Mailtrap**: an HMAC-SHA256 of the body with the inbound webhook's secret; anymail then
  fetches the message from Mailtrap's API and its raw MIME from a signed URL (mocked).
- **Postal**: an RSA (SHA-1, PKCS#1 v1.5) signature of the body, checked with the server's
  public key; a key pair is made here and the setting given its public half.
- **Resend**: Svix signing (``svix-id``, ``svix-timestamp``, ``svix-signature``: an
  HMAC-SHA256 of ``id.timestamp.body``), computed here by hand; anymail then fetches the
  email and its raw MIME from Resend's API (mocked).
"""

import base64
import hashlib
import hmac
import io
import json
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from email.message import Message
from email.utils import getaddresses
from unittest import mock

import pytest
import requests
from botocore.exceptions import ClientError
from botocore.response import StreamingBody
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from leads.choices import ArrivalBasis, Channel, InboundKind, RawFormat
from leads.models import InboundMessage, Lead
from tests.leads.inbound_support import (
    NOW,
    TRACKING,
    basic_auth,
    corpus,
    frozen_clock,  # noqa: F401 (fixture)
    inbound_settings,  # noqa: F401 (fixture)
    message_bodies,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("esp_settings", "frozen_clock"),
]

SENDER = "jane.doe@gmail.com"
SUBJECT = "Help with a commercial lease renewal"
MESSAGE_ID = "<CAF=7k9x1ENQUIRY0001@mail.gmail.com>"
# The newest Received header of the corpus email: the receiving ESP's MX stamped it.
MX_RECEIVED_AT = datetime(2026, 3, 3, 9, 58, 12, tzinfo=UTC)
WRONG_AUTH = basic_auth("postmark-inbound:not-the-secret")

BREVO_API_KEY = "xkeysib-3f1c0c2e9d-test"
MAILERSEND_INBOUND_SECRET = "Qx7pZ1rT0bYwK3mN5vC8dE2fG4hJ6kL9"
MAILTRAP_API_TOKEN = "mt-api-token-0c1d2e3f"
MAILTRAP_INBOUND_SECRET = "mailtrap-inbound-4b9a7c"
RESEND_API_KEY = "re_test_5Hq2Jx8Kp"
RESEND_INBOUND_SECRET = "whsec_" + base64.b64encode(b"resend-inbound-signing-key-32byte").decode()
POSTAL_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
POSTAL_OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def postal_public_key(private_key: rsa.RSAPrivateKey) -> str:
    """The public key as Postal shows it for ANYMAIL_POSTAL_WEBHOOK_KEY: the base64 of a
    PEM public key, without its BEGIN/END lines."""
    der = private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode("ascii")


@pytest.fixture
def esp_settings(inbound_settings):  # noqa: F811 (fixture)
    """The shared inbound settings (basic-auth secret, tracking address) plus every key
    these ESPs need."""
    inbound_settings.ANYMAIL = {
        **inbound_settings.ANYMAIL,
        "BREVO_API_KEY": BREVO_API_KEY,
        "MAILERSEND_INBOUND_SECRET": MAILERSEND_INBOUND_SECRET,
        "MAILTRAP_API_TOKEN": MAILTRAP_API_TOKEN,
        "MAILTRAP_INBOUND_SECRET": MAILTRAP_INBOUND_SECRET,
        "POSTAL_WEBHOOK_KEY": postal_public_key(POSTAL_KEY),
        "RESEND_API_KEY": RESEND_API_KEY,
        "RESEND_INBOUND_SECRET": RESEND_INBOUND_SECRET,
    }
    return inbound_settings


# --- The email, as each ESP's MX received it -----------------------------------------


def enquiry_received_by(mx_host: str) -> str:
    """The corpus enquiry with the ESP's own MX in its newest Received header."""
    mime = corpus("gmail_enquiry.eml")
    assert "by mx.postmarkapp.com" in mime
    return mime.replace("by mx.postmarkapp.com", f"by {mx_host}", 1)


def parsed(mime: str) -> Message:
    return message_from_string(mime, policy=policy.compat32)


def unfolded_headers(message: Message) -> list[tuple[str, str]]:
    return [(name, " ".join(str(value).split())) for name, value in message.items()]


def header_dict(message: Message) -> dict[str, str | list[str]]:
    """Headers as Brevo and Mailjet post them: a header seen more than once is a list."""
    found: dict[str, list[str]] = {}
    for name, value in unfolded_headers(message):
        found.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in found.items()}


def address(value: str) -> tuple[str, str]:
    found = getaddresses([value])
    return found[0] if found else ("", "")


def iso_z(moment: datetime) -> str:
    """As AWS and Resend write times: UTC, milliseconds, ``Z``."""
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


def hmac_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- What every genuine delivery must leave behind ----------------------------------


def the_one_enquiry(*, provider: str, arrived_at: datetime, basis: ArrivalBasis):
    """The single email stored, which made the single lead: from Jane, with her subject,
    at the ESP's arrival time."""
    inbound = InboundMessage.objects.get()
    lead = Lead.objects.get()
    assert inbound.provider == provider
    assert inbound.kind == InboundKind.ENQUIRY
    assert inbound.lead == lead
    assert inbound.message_id == MESSAGE_ID
    assert inbound.raw_bytes  # the payload as delivered
    assert lead.channel == Channel.EMAIL
    assert lead.contact.email == SENDER
    assert lead.contact.name == "Jane Doe"
    assert lead.subject == SUBJECT
    assert "£8,000 increase" in lead.message
    assert inbound.arrival_basis == basis
    assert inbound.arrived_at == arrived_at
    assert lead.arrived_at == arrived_at
    return inbound


def nothing_new() -> bool:
    return InboundMessage.objects.count() == 1 and Lead.objects.count() == 1


def nothing_written() -> bool:
    return not InboundMessage.objects.exists() and not Lead.objects.exists()


# --- An ESP's message store, for anymail to fetch from (Mailtrap, Resend) ------------


class MessageStore:
    """Stands in for ``requests.get``: answers each known URL with its body, records
    every fetch, and fails like a network error for any other URL."""

    def __init__(self, routes: dict[str, tuple[bytes, str]]) -> None:
        self.routes = routes
        self.fetches: list[tuple[str, dict]] = []

    def get(self, url: str, headers: dict | None = None, **kwargs) -> requests.Response:
        self.fetches.append((url, dict(headers or {})))
        if url not in self.routes:
            raise requests.ConnectionError(f"{url} did not answer")
        body, content_type = self.routes[url]
        response = requests.Response()
        response.status_code = 200
        response.url = url
        response.headers["Content-Type"] = content_type
        response._content = body
        response._content_consumed = True
        return response


def serving(store: MessageStore):
    return mock.patch("requests.get", store.get)


# --- Amazon SES ---------------------------------------------------------------------

SES_TOPIC = "arn:aws:sns:eu-west-2:123456789012:leadtrack-inbound"
SES_MX = "inbound-smtp.eu-west-2.amazonaws.com"
SES_RECEIVED_AT = datetime(2026, 3, 3, 9, 58, 12, 664000, tzinfo=UTC)


SES_MESSAGE_ID = "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1"
SES_BUCKET = "ashdownmarsh-inbound-mail"
SES_OBJECT_KEY = f"enquiries/{SES_MESSAGE_ID}"


def ses_notification(mime: str, *, encoding: str = "UTF8") -> dict:
    """The SNS notification an SES receipt rule publishes: the SES event as a JSON string
    inside SNS's envelope. With the SNS action (``encoding`` UTF8 or BASE64) the email is
    in ``content``; with the S3 action (``encoding`` None) it is an object in S3."""
    message = parsed(mime)
    if encoding is None:
        action = {
            "type": "S3",
            "topicArn": SES_TOPIC,
            "bucketName": SES_BUCKET,
            "objectKeyPrefix": "enquiries",
            "objectKey": SES_OBJECT_KEY,
        }
    else:
        action = {"type": "SNS", "topicArn": SES_TOPIC, "encoding": encoding}
    ses_event = {
        "notificationType": "Received",
        "mail": {
            "timestamp": iso_z(SES_RECEIVED_AT),
            "source": SENDER,
            "messageId": SES_MESSAGE_ID,
            "destination": [TRACKING],
            "headersTruncated": False,
            "headers": [{"name": n, "value": v} for n, v in unfolded_headers(message)],
            "commonHeaders": {
                "returnPath": SENDER,
                "from": [message["From"]],
                "date": message["Date"],
                "to": [message["To"]],
                "messageId": message["Message-ID"],
                "subject": message["Subject"],
            },
        },
        "receipt": {
            "timestamp": iso_z(SES_RECEIVED_AT),
            "processingTimeMillis": 412,
            "recipients": [TRACKING],
            "spamVerdict": {"status": "PASS"},
            "virusVerdict": {"status": "PASS"},
            "spfVerdict": {"status": "PASS"},
            "dkimVerdict": {"status": "PASS"},
            "dmarcVerdict": {"status": "PASS"},
            "action": action,
        },
    }
    if encoding == "UTF8":
        ses_event["content"] = mime
    elif encoding == "BASE64":
        ses_event["content"] = base64.b64encode(mime.encode("utf-8")).decode("ascii")
    return {
        "Type": "Notification",
        "MessageId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{mime}{encoding}")),
        "TopicArn": SES_TOPIC,
        "Subject": "Amazon SES Email Receipt Notification",
        "Message": json.dumps(ses_event),
        "Timestamp": iso_z(SES_RECEIVED_AT + timedelta(milliseconds=431)),
        "SignatureVersion": "1",
        "Signature": base64.b64encode(hashlib.sha256(mime.encode()).digest() * 8).decode(),
        "SigningCertURL": (
            "https://sns.eu-west-2.amazonaws.com/"
            "SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem"
        ),
        "UnsubscribeURL": (
            "https://sns.eu-west-2.amazonaws.com/?Action=Unsubscribe"
            f"&SubscriptionArn={SES_TOPIC}:5e2b1a3c-7d4f-4e6a-9b8c-0d1e2f3a4b5c"
        ),
    }


def post_sns(client, notification: dict, *, auth: dict | None = None, **headers):
    """Posted as SNS posts: JSON with a text/plain content type, and the message type
    and id repeated in x-amz-sns-* headers."""
    sns_headers = {
        "HTTP_X_AMZ_SNS_MESSAGE_TYPE": notification["Type"],
        "HTTP_X_AMZ_SNS_MESSAGE_ID": notification["MessageId"],
        "HTTP_X_AMZ_SNS_TOPIC_ARN": notification["TopicArn"],
        "HTTP_USER_AGENT": "Amazon Simple Notification Service Agent",
        **headers,
    }
    return client.post(
        "/anymail/amazon_ses/inbound/",
        data=json.dumps(notification),
        content_type="text/plain; charset=UTF-8",
        **sns_headers,
        **(basic_auth() if auth is None else auth),
    )


@pytest.mark.parametrize("encoding", ["UTF8", "BASE64"])
def test_amazon_ses_sns_notification_makes_one_lead_and_its_replay_nothing(client, encoding):
    mime = enquiry_received_by(SES_MX)
    notification = ses_notification(mime, encoding=encoding)

    response = post_sns(client, notification)

    assert response.status_code == 200, response.content
    inbound = the_one_enquiry(
        provider="amazon_ses", arrived_at=SES_RECEIVED_AT, basis=ArrivalBasis.ESP_TIMESTAMP
    )
    # The email SES put in the notification, decoded.
    assert bytes(inbound.raw_bytes) == mime.encode()
    assert inbound.raw_format == RawFormat.MIME
    assert inbound.esp_event_id == "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1"

    replay = post_sns(client, notification)  # SNS retries until it sees a 2xx

    assert replay.status_code == 200
    assert nothing_new()


@contextmanager
def s3_serving(mime: str | None):
    """boto3's S3 client (anymail's ``get_object``) serving the email, or failing as
    S3 does when the object cannot be read."""
    with mock.patch("anymail.webhooks.amazon_ses.boto3.session.Session") as session:
        s3 = session.return_value.client.return_value
        if mime is None:
            s3.get_object.side_effect = ClientError(
                {"Error": {"Code": "AccessDenied", "Message": "Access Denied"}}, "GetObject"
            )
        else:
            data = mime.encode("utf-8")
            s3.get_object.side_effect = lambda **kwargs: {
                "Body": StreamingBody(io.BytesIO(data), len(data))
            }
        yield s3


def test_amazon_ses_s3_action_is_fetched_from_s3_and_makes_one_lead(client):
    mime = enquiry_received_by(SES_MX)
    notification = ses_notification(mime, encoding=None)

    with s3_serving(mime) as s3:
        response = post_sns(client, notification)

    assert response.status_code == 200, response.content
    s3.get_object.assert_called_once_with(Bucket=SES_BUCKET, Key=SES_OBJECT_KEY)
    inbound = the_one_enquiry(
        provider="amazon_ses", arrived_at=SES_RECEIVED_AT, basis=ArrivalBasis.ESP_TIMESTAMP
    )
    # anymail fetched the email (or its attachments): its copy is stored, so the worker
    # need not fetch it again.
    assert inbound.raw_format == RawFormat.MIME
    assert SUBJECT.encode() in bytes(inbound.raw_bytes)

    with s3_serving(mime):
        replay = post_sns(client, notification)

    assert replay.status_code == 200
    assert nothing_new()


def test_amazon_ses_s3_not_handing_over_the_email_is_answered_retry_later(client):
    with s3_serving(None):
        response = post_sns(client, ses_notification(enquiry_received_by(SES_MX), encoding=None))

    assert response.status_code == 503
    assert nothing_written()


def test_amazon_ses_with_wrong_basic_auth_is_refused(client):
    response = post_sns(client, ses_notification(enquiry_received_by(SES_MX)), auth=WRONG_AUTH)

    assert response.status_code == 401
    assert nothing_written()


def test_amazon_ses_without_credentials_is_challenged_so_sns_sends_them(client):
    response = post_sns(client, ses_notification(enquiry_received_by(SES_MX)), auth={})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")
    assert nothing_written()


def test_amazon_ses_sns_headers_that_do_not_match_the_body_are_refused(client):
    notification = ses_notification(enquiry_received_by(SES_MX))

    response = post_sns(client, notification, HTTP_X_AMZ_SNS_MESSAGE_ID=str(uuid.uuid4()))

    assert response.status_code == 401
    assert "doesn't match" in response.json()["detail"]
    assert nothing_written()


# --- Brevo (and the SendinBlue URL) -------------------------------------------------

BREVO_MX = "mx-in.sender-sib.com"


def brevo_item(mime: str) -> dict:
    """One item of Brevo's inbound parsing webhook: parsed fields, no raw MIME."""
    message = parsed(mime)
    text, html = message_bodies(message)
    from_name, from_email = address(message["From"])
    return {
        "Uuid": [str(uuid.uuid5(uuid.NAMESPACE_URL, "brevo:" + mime))],
        "MessageId": message["Message-ID"],
        "InReplyTo": None,
        "From": {"Name": from_name, "Address": from_email},
        "To": [{"Name": None, "Address": address(message["To"])[1]}],
        "Cc": None,
        "ReplyTo": None,
        "SentAtDate": message["Date"],
        "Subject": message["Subject"],
        "Attachments": [],
        "Headers": header_dict(message),
        "SpamScore": 0.4,
        "ExtractedMarkdownMessage": text.split("\nKind regards,")[0] + "\n",
        "ExtractedMarkdownSignature": "Kind regards,\nJane Doe\n",
        "RawHtmlBody": html,
        "RawTextBody": text,
    }


def post_brevo(client, item: dict, *, url: str = "/anymail/brevo/inbound/", auth=None):
    return client.post(
        url,
        data=json.dumps({"items": [item]}),
        content_type="application/json",
        **(basic_auth() if auth is None else auth),
    )


def test_brevo_inbound_parse_makes_one_lead_and_its_replay_nothing(client):
    item = brevo_item(enquiry_received_by(BREVO_MX))

    response = post_brevo(client, item)

    assert response.status_code == 200, response.content
    # Brevo gives no event time: its MX's Received header is the arrival.
    inbound = the_one_enquiry(
        provider="brevo", arrived_at=MX_RECEIVED_AT, basis=ArrivalBasis.RECEIVED
    )
    # anymail fetched the email (or its attachments): its copy is stored, so the worker
    # need not fetch it again.
    assert inbound.raw_format == RawFormat.MIME
    assert SUBJECT.encode() in bytes(inbound.raw_bytes)
    assert inbound.spam_score == 0.4

    assert post_brevo(client, item).status_code == 200
    assert nothing_new()


# anymail warns on every post to the old URL, as it should.
SENDINBLUE_DEPRECATED = pytest.mark.filterwarnings(
    "ignore:Anymail's SendinBlue webhook URLs are deprecated"
)


@SENDINBLUE_DEPRECATED
def test_brevo_at_the_old_sendinblue_url_is_the_same_email(client):
    item = brevo_item(enquiry_received_by(BREVO_MX))

    response = post_brevo(client, item, url="/anymail/sendinblue/inbound/")

    assert response.status_code == 200, response.content
    the_one_enquiry(provider="brevo", arrived_at=MX_RECEIVED_AT, basis=ArrivalBasis.RECEIVED)

    assert post_brevo(client, item).status_code == 200  # the same email at the new URL
    assert nothing_new()


@SENDINBLUE_DEPRECATED
@pytest.mark.parametrize("url", ["/anymail/brevo/inbound/", "/anymail/sendinblue/inbound/"])
def test_brevo_with_wrong_basic_auth_is_refused(client, url):
    response = post_brevo(
        client, brevo_item(enquiry_received_by(BREVO_MX)), url=url, auth=WRONG_AUTH
    )

    assert response.status_code == 401
    assert nothing_written()


# --- MailerSend ---------------------------------------------------------------------

MAILERSEND_MX = "inbound.mailersend.net"
MAILERSEND_CREATED_AT = datetime(2026, 3, 3, 9, 58, 13, 525000, tzinfo=UTC)


def mailersend_body(mime: str) -> bytes:
    """MailerSend's ``inbound.message`` post: parsed fields and, in ``data.raw``, the MIME."""
    message = parsed(mime)
    text, html = message_bodies(message)
    from_name, from_email = address(message["From"])
    payload = {
        "type": "inbound.message",
        "inbound_id": "z86org8kqdzgew13",
        "url": "https://leads.ashdownmarsh.example/anymail/mailersend/inbound/",
        "created_at": iso_z(MAILERSEND_CREATED_AT + timedelta(milliseconds=892)),
        "data": {
            "object": "message",
            "id": "65e449d5c1a2b3d4e5f60718",
            "recipients": {
                "rcptTo": [{"email": TRACKING}],
                "to": {"raw": message["To"], "data": [{"email": TRACKING, "name": ""}]},
            },
            "from": {"email": from_email, "name": from_name, "raw": message["From"]},
            "sender": {"email": from_email},
            "subject": message["Subject"],
            "date": message["Date"],
            "headers": header_dict(message),
            "text": text,
            "html": html,
            "raw": mime,
            "attachments": [],
            "spf_check": {"code": "+", "value": None},
            "dkim_check": False,
            "created_at": MAILERSEND_CREATED_AT.isoformat().replace("+00:00", "Z"),
        },
    }
    return json.dumps(payload).encode("utf-8")


def post_mailersend(client, body: bytes, *, secret: str = MAILERSEND_INBOUND_SECRET):
    return client.post(
        "/anymail/mailersend/inbound/",
        data=body,
        content_type="application/json",
        HTTP_SIGNATURE=hmac_hex(secret, body),
        **basic_auth(),
    )


def test_mailersend_signed_inbound_makes_one_lead_and_its_replay_nothing(client):
    mime = enquiry_received_by(MAILERSEND_MX)
    body = mailersend_body(mime)

    response = post_mailersend(client, body)

    assert response.status_code == 200, response.content
    inbound = the_one_enquiry(
        provider="mailersend",
        arrived_at=MAILERSEND_CREATED_AT,
        basis=ArrivalBasis.ESP_TIMESTAMP,
    )
    assert bytes(inbound.raw_bytes) == mime.encode()
    assert inbound.raw_format == RawFormat.MIME
    assert inbound.esp_event_id == "65e449d5c1a2b3d4e5f60718"

    assert post_mailersend(client, body).status_code == 200
    assert nothing_new()


def test_mailersend_signed_with_another_secret_is_refused(client):
    response = post_mailersend(
        client, mailersend_body(enquiry_received_by(MAILERSEND_MX)), secret="someone-else"
    )

    assert response.status_code == 401
    assert "MAILERSEND_INBOUND_SECRET" in response.json()["detail"]
    assert nothing_written()


def test_mailersend_without_a_signature_is_refused(client):
    response = client.post(
        "/anymail/mailersend/inbound/",
        data=mailersend_body(enquiry_received_by(MAILERSEND_MX)),
        content_type="application/json",
        **basic_auth(),
    )

    assert response.status_code == 401
    assert nothing_written()


# --- Mailjet ------------------------------------------------------------------------

MAILJET_MX = "parse.mailjet.com"


def mailjet_event(mime: str) -> dict:
    """Mailjet's Parse API post: parsed headers and parts, no raw MIME, no event id."""
    message = parsed(mime)
    text, html = message_bodies(message)
    return {
        "Sender": SENDER,
        "Recipient": TRACKING,
        "Date": "20260303T095801",  # the Date header, in UTC
        "From": message["From"],
        "Subject": message["Subject"],
        "Headers": header_dict(message),
        "Parts": [
            {
                "Headers": {"Content-Type": ['text/plain; charset="UTF-8"']},
                "ContentRef": "Text-part",
            },
            {
                "Headers": {
                    "Content-Type": ['text/html; charset="UTF-8"'],
                    "Content-Transfer-Encoding": ["quoted-printable"],
                },
                "ContentRef": "Html-part",
            },
        ],
        "Text-part": text,
        "Html-part": html,
        "SpamAssassinScore": "1.2",
        "CustomID": "",
        "Payload": "",
    }


def post_mailjet(client, event: dict, *, auth: dict | None = None):
    return client.post(
        "/anymail/mailjet/inbound/",
        data=json.dumps(event),
        content_type="application/json",
        **(basic_auth() if auth is None else auth),
    )


def test_mailjet_parse_api_makes_one_lead_and_its_replay_nothing(client):
    event = mailjet_event(enquiry_received_by(MAILJET_MX))

    response = post_mailjet(client, event)

    assert response.status_code == 200, response.content
    # Mailjet gives no event time and no event id: the Received header and the
    # Message-ID do the work.
    inbound = the_one_enquiry(
        provider="mailjet", arrived_at=MX_RECEIVED_AT, basis=ArrivalBasis.RECEIVED
    )
    # The JSON as Mailjet posted it; the worker builds the email from it as anymail does.
    assert inbound.raw_format == RawFormat.JSON
    assert json.loads(bytes(inbound.raw_bytes)) == event
    assert inbound.spam_score == 1.2

    assert post_mailjet(client, event).status_code == 200
    assert nothing_new()


def test_mailjet_with_wrong_basic_auth_is_refused(client):
    response = post_mailjet(client, mailjet_event(enquiry_received_by(MAILJET_MX)), auth=WRONG_AUTH)

    assert response.status_code == 401
    assert nothing_written()


# --- Mailtrap -----------------------------------------------------------------------

MAILTRAP_MX = "inbound.smtp.mailtrap.live"
MAILTRAP_INBOX = 2214861
MAILTRAP_MESSAGE = "5288734098012345678"
MAILTRAP_EVENT_AT = datetime(2026, 3, 3, 9, 58, 13, 436000, tzinfo=UTC)
MAILTRAP_RAW_URL = (
    "https://mailsend-inbound-bodies.s3.amazonaws.com/2214861/5288734098012345678/raw.eml"
    "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=9f2c"
)
MAILTRAP_API_MESSAGE_URL = (
    f"https://mailtrap.io/api/inbound/inboxes/{MAILTRAP_INBOX}/messages/{MAILTRAP_MESSAGE}"
)


def mailtrap_body(*, inbox_id: int = MAILTRAP_INBOX, event_id: str | None = None) -> bytes:
    """Mailtrap's inbound notification: which message arrived, not the message."""
    payload = {
        "events": [
            {
                "event": "inbound.message_received",
                "event_id": event_id or "2eac365a-a49d-11f1-8c43-0a58a9feac03",
                "timestamp": int(MAILTRAP_EVENT_AT.timestamp() * 1000),
                "inbox_id": inbox_id,
                "message_id": MAILTRAP_MESSAGE,
                "from": "Jane Doe <jane.doe@gmail.com>",
            }
        ]
    }
    return json.dumps(payload).encode("utf-8")


def mailtrap_store(mime: str) -> tuple[MessageStore, dict]:
    """Mailtrap's API (the message, with a signed link to its raw MIME) and the link."""
    message_data = {
        "id": MAILTRAP_MESSAGE,
        "inbox_id": MAILTRAP_INBOX,
        "from": "Jane Doe <jane.doe@gmail.com>",
        "to": [TRACKING],
        "subject": SUBJECT,
        "raw_message_url": MAILTRAP_RAW_URL,
        "raw_message_expires_at": "2026-03-03T10:58:13.436Z",
    }
    store = MessageStore(
        {
            MAILTRAP_API_MESSAGE_URL: (json.dumps(message_data).encode(), "application/json"),
            MAILTRAP_RAW_URL: (mime.encode("utf-8"), "message/rfc822"),
        }
    )
    return store, message_data


def post_mailtrap(client, body: bytes, *, secret: str = MAILTRAP_INBOUND_SECRET):
    return client.post(
        "/anymail/mailtrap/inbound/",
        data=body,
        content_type="application/json",
        HTTP_MAILTRAP_SIGNATURE=hmac_hex(secret, body),
        **basic_auth(),
    )


def test_mailtrap_signed_notification_makes_one_lead_and_its_replay_nothing(client):
    mime = enquiry_received_by(MAILTRAP_MX)
    store, message_data = mailtrap_store(mime)

    with serving(store):
        response = post_mailtrap(client, mailtrap_body())

    assert response.status_code == 200, response.content
    assert store.fetches[0] == (
        MAILTRAP_API_MESSAGE_URL,
        {"Authorization": f"Bearer {MAILTRAP_API_TOKEN}"},
    )
    assert store.fetches[1][0] == MAILTRAP_RAW_URL
    inbound = the_one_enquiry(
        provider="mailtrap", arrived_at=MAILTRAP_EVENT_AT, basis=ArrivalBasis.ESP_TIMESTAMP
    )
    # anymail fetched the email (or its attachments): its copy is stored, so the worker
    # need not fetch it again.
    assert inbound.raw_format == RawFormat.MIME
    assert SUBJECT.encode() in bytes(inbound.raw_bytes)
    assert inbound.esp_event_id == f"{MAILTRAP_INBOX}/{MAILTRAP_MESSAGE}"

    # Mailtrap's retry may carry a new event id; the message is the same.
    with serving(store):
        replay = post_mailtrap(client, mailtrap_body(event_id=str(uuid.uuid4())))

    assert replay.status_code == 200
    assert nothing_new()


def test_mailtrap_signed_with_another_secret_is_refused_before_anything_is_fetched(client):
    store, _ = mailtrap_store(enquiry_received_by(MAILTRAP_MX))

    with serving(store):
        response = post_mailtrap(client, mailtrap_body(), secret="someone-else")

    assert response.status_code == 401
    assert "MAILTRAP_INBOUND_SECRET" in response.json()["detail"]
    assert store.fetches == []
    assert nothing_written()


def test_mailtrap_test_your_integration_sample_is_answered_and_ignored(client):
    # Mailtrap's "Test your integration" posts a sample for inbox 1; anymail skips it.
    store = MessageStore({})

    with serving(store):
        response = post_mailtrap(client, mailtrap_body(inbox_id=1))

    assert response.status_code == 200, response.content
    assert store.fetches == []
    assert nothing_written()


def test_mailtrap_message_store_not_answering_is_answered_retry_later(client):
    store = MessageStore({})  # every fetch fails like a network error

    with serving(store):
        response = post_mailtrap(client, mailtrap_body())

    assert response.status_code == 503
    assert nothing_written()


# --- Postal -------------------------------------------------------------------------

POSTAL_MX = "mx.postal.ashdownmarsh.example"


def postal_body(mime: str) -> bytes:
    """Postal's HTTP endpoint set to deliver the raw message: base64 MIME and envelope."""
    payload = {
        "id": 233980,
        "rcpt_to": TRACKING,
        "mail_from": SENDER,
        "token": "rwiE8OuPEaqAnX1B",
        "message": base64.b64encode(mime.encode("utf-8")).decode("ascii"),
        "base64": True,
        "size": str(len(mime)),
    }
    return json.dumps(payload).encode("utf-8")


def postal_signature(body: bytes, key: rsa.RSAPrivateKey = POSTAL_KEY) -> str:
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA1())).decode()  # noqa: S303 (Postal's algorithm)


def post_postal(client, body: bytes, *, signature: str | None = None):
    return client.post(
        "/anymail/postal/inbound/",
        data=body,
        content_type="application/json",
        HTTP_X_POSTAL_SIGNATURE=postal_signature(body) if signature is None else signature,
        **basic_auth(),
    )


def test_postal_signed_raw_message_makes_one_lead_and_its_replay_nothing(client):
    mime = enquiry_received_by(POSTAL_MX)
    body = postal_body(mime)

    response = post_postal(client, body)

    assert response.status_code == 200, response.content
    # Postal gives no event time: its MX's Received header is the arrival.
    inbound = the_one_enquiry(
        provider="postal", arrived_at=MX_RECEIVED_AT, basis=ArrivalBasis.RECEIVED
    )
    assert bytes(inbound.raw_bytes) == mime.encode()
    assert inbound.raw_format == RawFormat.MIME
    assert inbound.esp_event_id == "233980"

    assert post_postal(client, body).status_code == 200
    assert nothing_new()


@pytest.mark.parametrize(
    "forge",
    [
        lambda body: postal_signature(body, POSTAL_OTHER_KEY),
        lambda body: postal_signature(body.replace(b"233980", b"233981")),
        lambda body: "",
    ],
    ids=["another-key", "another-body", "empty"],
)
def test_postal_with_a_signature_that_does_not_verify_is_refused(client, forge):
    body = postal_body(enquiry_received_by(POSTAL_MX))

    response = post_postal(client, body, signature=forge(body))

    assert response.status_code == 401
    assert "signature" in response.json()["detail"]
    assert nothing_written()


# --- Resend -------------------------------------------------------------------------

RESEND_MX = "inbound-smtp.resend.app"
RESEND_EMAIL_ID = "56761188-7520-42d8-8898-ff6fc54ce618"
RESEND_CREATED_AT = datetime(2026, 3, 3, 9, 58, 14, 126000, tzinfo=UTC)
RESEND_API_EMAIL_URL = f"https://api.resend.com/emails/receiving/{RESEND_EMAIL_ID}"
RESEND_RAW_URL = f"https://inbound-cdn.resend.app/raw/{RESEND_EMAIL_ID}.eml?token=8c1f0e"


def resend_event() -> dict:
    """Resend's ``email.received`` webhook: the email's summary, not its content."""
    return {
        "type": "email.received",
        "created_at": iso_z(RESEND_CREATED_AT),
        "data": {
            "email_id": RESEND_EMAIL_ID,
            "created_at": "2026-03-03T09:58:13.894719+00:00",
            "from": "Jane Doe <jane.doe@gmail.com>",
            "to": [TRACKING],
            "cc": [],
            "bcc": [],
            "subject": SUBJECT,
            "message_id": MESSAGE_ID,
            "attachments": [],
        },
    }


def resend_store(mime: str) -> MessageStore:
    email = {
        "object": "email",
        "id": RESEND_EMAIL_ID,
        "from": "Jane Doe <jane.doe@gmail.com>",
        "to": [TRACKING],
        "subject": SUBJECT,
        "message_id": MESSAGE_ID,
        "created_at": "2026-03-03T09:58:13.894719+00:00",
        "attachments": [],
        "raw": {"download_url": RESEND_RAW_URL, "expires_at": "2026-03-04T09:58:13+00:00"},
    }
    return MessageStore(
        {
            RESEND_API_EMAIL_URL: (json.dumps(email).encode(), "application/json"),
            RESEND_RAW_URL: (mime.encode("utf-8"), "message/rfc822"),
        }
    )


def svix_headers(body: bytes, *, svix_id: str, at: datetime, secret: str) -> dict[str, str]:
    """The headers Svix signs a webhook with: v1 is an HMAC-SHA256, keyed with the
    base64 secret after ``whsec_``, of ``id.timestamp.body``."""
    timestamp = str(int(at.timestamp()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{svix_id}.{timestamp}.".encode() + body
    signature = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return {
        "HTTP_SVIX_ID": svix_id,
        "HTTP_SVIX_TIMESTAMP": timestamp,
        "HTTP_SVIX_SIGNATURE": f"v1,{signature}",
    }


def post_resend(client, event: dict, *, at: datetime = NOW, secret: str = RESEND_INBOUND_SECRET):
    body = json.dumps(event).encode("utf-8")
    return client.post(
        "/anymail/resend/inbound/",
        data=body,
        content_type="application/json",
        **svix_headers(body, svix_id="msg_2Lh9KRb0pzN4LePd3XiA4dwtf1B", at=at, secret=secret),
        **basic_auth(),
    )


def test_resend_svix_signed_webhook_makes_one_lead_and_its_replay_nothing(client):
    mime = enquiry_received_by(RESEND_MX)
    store = resend_store(mime)
    event = resend_event()

    with serving(store):
        response = post_resend(client, event)

    assert response.status_code == 200, response.content
    assert store.fetches[0] == (
        RESEND_API_EMAIL_URL,
        {"Authorization": f"Bearer {RESEND_API_KEY}"},
    )
    assert store.fetches[1][0] == RESEND_RAW_URL
    inbound = the_one_enquiry(
        provider="resend", arrived_at=RESEND_CREATED_AT, basis=ArrivalBasis.ESP_TIMESTAMP
    )
    # anymail fetched the email (or its attachments): its copy is stored, so the worker
    # need not fetch it again.
    assert inbound.raw_format == RawFormat.MIME
    assert SUBJECT.encode() in bytes(inbound.raw_bytes)
    assert inbound.esp_event_id == "msg_2Lh9KRb0pzN4LePd3XiA4dwtf1B"

    # Svix retries the same message id, signed afresh at the time of the retry.
    with serving(store):
        replay = post_resend(client, event, at=NOW + timedelta(seconds=5))

    assert replay.status_code == 200
    assert nothing_new()


@pytest.mark.parametrize(
    ("secret", "at"),
    [
        ("whsec_" + base64.b64encode(b"someone-elses-key").decode(), NOW),
        (RESEND_INBOUND_SECRET, NOW - timedelta(hours=1)),  # a captured post, replayed late
    ],
    ids=["another-secret", "stale-timestamp"],
)
def test_resend_with_a_signature_that_does_not_verify_is_refused(client, secret, at):
    store = resend_store(enquiry_received_by(RESEND_MX))

    with serving(store):
        response = post_resend(client, resend_event(), secret=secret, at=at)

    assert response.status_code == 401
    assert "RESEND_INBOUND_SECRET" in response.json()["detail"]
    assert store.fetches == []
    assert nothing_written()


# --- SparkPost ----------------------------------------------------------------------

SPARKPOST_MX = "c.mta1vsmtp.cc.prd.sparkpost"


def sparkpost_batch(*mimes: str) -> list[dict]:
    """A relay webhook batch: one ``relay_message`` per email, each with its MIME."""
    batch = []
    for mime in mimes:
        message = parsed(mime)
        text, html = message_bodies(message)
        batch.append(
            {
                "msys": {
                    "relay_message": {
                        "content": {
                            "email_rfc822": mime,
                            "email_rfc822_is_base64": False,
                            "headers": [{n: v} for n, v in unfolded_headers(message)],
                            "html": html,
                            "subject": message["Subject"],
                            "text": text,
                            "to": [TRACKING],
                        },
                        "customer_id": "1337",
                        "friendly_from": message["From"],
                        "msg_from": address(message["From"])[1],
                        "rcpt_to": TRACKING,
                        "webhook_id": "639522432405581010",
                        "protocol": "smtp",
                    }
                }
            }
        )
    return batch


def post_sparkpost(client, batch: list[dict], *, auth: dict | None = None):
    return client.post(
        "/anymail/sparkpost/inbound/",
        data=json.dumps(batch),
        content_type="application/json",
        **(basic_auth() if auth is None else auth),
    )


def test_sparkpost_relay_message_makes_one_lead_and_its_replay_nothing(client):
    mime = enquiry_received_by(SPARKPOST_MX)
    batch = sparkpost_batch(mime)

    response = post_sparkpost(client, batch)

    assert response.status_code == 200, response.content
    # SparkPost gives no event time and no event id.
    inbound = the_one_enquiry(
        provider="sparkpost", arrived_at=MX_RECEIVED_AT, basis=ArrivalBasis.RECEIVED
    )
    assert bytes(inbound.raw_bytes) == mime.encode()
    assert inbound.raw_format == RawFormat.MIME

    assert post_sparkpost(client, batch).status_code == 200
    assert nothing_new()


def test_sparkpost_batch_of_two_emails_makes_two_rows(client):
    batch = sparkpost_batch(enquiry_received_by(SPARKPOST_MX), corpus("with_attachment.eml"))

    response = post_sparkpost(client, batch)

    assert response.status_code == 200, response.content
    assert response.json()["detail"] == "Stored; it will be processed in a moment."
    assert InboundMessage.objects.count() == 2
    assert Lead.objects.count() == 2


def test_sparkpost_with_wrong_basic_auth_is_refused(client):
    response = post_sparkpost(
        client, sparkpost_batch(enquiry_received_by(SPARKPOST_MX)), auth=WRONG_AUTH
    )

    assert response.status_code == 401
    assert nothing_written()


# --- A key an ESP needs is missing --------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "post"),
    [
        ("BREVO_API_KEY", lambda c: post_brevo(c, brevo_item(enquiry_received_by(BREVO_MX)))),
        (
            "MAILERSEND_INBOUND_SECRET",
            lambda c: post_mailersend(c, mailersend_body(enquiry_received_by(MAILERSEND_MX))),
        ),
        ("MAILTRAP_API_TOKEN", lambda c: post_mailtrap(c, mailtrap_body())),
        (
            "POSTAL_WEBHOOK_KEY",
            lambda c: post_postal(c, postal_body(enquiry_received_by(POSTAL_MX))),
        ),
        ("RESEND_API_KEY", lambda c: post_resend(c, resend_event())),
    ],
    ids=["brevo", "mailersend", "mailtrap", "postal", "resend"],
)
def test_a_missing_esp_key_is_answered_not_configured_naming_it(client, settings, setting, post):
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != setting}

    with serving(MessageStore({})):
        response = post(client)

    assert response.status_code == 503
    assert setting in response.json()["detail"]
    assert nothing_written()


# ---------------------------------------------------------------------------
# Payloads that are not the ESP's format at all: a clear 4xx, nothing stored
# ---------------------------------------------------------------------------


def test_amazon_ses_body_that_is_not_an_sns_message_is_refused(client):
    response = client.post(
        "/anymail/amazon_ses/inbound/",
        data=b"{not json",
        content_type="text/plain; charset=UTF-8",
        HTTP_X_AMZ_SNS_MESSAGE_TYPE="Notification",
        HTTP_X_AMZ_SNS_MESSAGE_ID="x",
        **basic_auth(),
    )
    assert response.status_code == 400
    assert "could not be read" in response.json()["detail"]
    assert nothing_written()


def test_amazon_ses_notification_whose_message_is_not_json_is_refused(client):
    notification = ses_notification(enquiry_received_by("inbound-smtp.eu-west-2.amazonaws.com"))
    notification["Message"] = "{broken"
    response = post_sns(client, notification)
    assert response.status_code == 400
    assert "Unparsable SNS Message" in response.json()["detail"]
    assert nothing_written()


def test_resend_event_without_the_email_id_is_refused(client):
    event = resend_event()
    del event["data"]["email_id"]
    response = post_resend(client, event)
    assert response.status_code == 400
    assert "carries no email" in response.json()["detail"]
    assert nothing_written()


def test_postal_key_that_is_not_a_public_key_is_answered_not_configured(client, settings):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTAL_WEBHOOK_KEY": "not-a-key"}

    response = post_postal(client, postal_body(enquiry_received_by(POSTAL_MX)))

    assert response.status_code == 503
    assert "ANYMAIL_POSTAL_WEBHOOK_KEY" in response.json()["detail"]
    assert nothing_written()
