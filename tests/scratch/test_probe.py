import json, base64
import pytest
from tests.leads.inbound_support import *  # noqa
from tests.leads.inbound_support import frozen_clock, inbound_settings  # noqa

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("inbound_settings", "frozen_clock")]

def show(r):
    print(r.status_code, r.content[:300])

def test_probe(client):
    mime = corpus("gmail_enquiry.eml")
    p = postmark_payload(mime, raw=False)
    p["Subject"] = "Hello\x0bthere"
    show(post_postmark(client, p))
    p = postmark_payload(mime, raw=False)
    p["MessageID"] = "x2"; p["Headers"] = [h for h in p["Headers"] if h["Name"] != "Message-ID"] + [{"Name":"Message-ID","Value":"<b1@x>"}]
    p["Attachments"] = [{"Name": "a.bin", "Content": base64.b64encode(b"\x00\x01abc\x00").decode(), "ContentType": "application/octet-stream", "ContentLength": 6}]
    show(post_postmark(client, p))
    p = postmark_payload(mime, raw=False)
    p["Headers"] = [h for h in p["Headers"] if h["Name"] != "Message-ID"] + [{"Name":"Message-ID","Value":"<b2@x>"}]
    p["Date"] = "99999999999 Jan"
    p["Headers"] += [{"Name": "Date", "Value": "99999999999 Jan"}]
    show(post_postmark(client, p))
    nested = "From: a@b.com\nTo: enquiries@ashdownmarsh.example\nMessage-ID: <n@x>\nSubject: n\n" 
    body = ""
    for i in range(3000):
        nested += f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n'
    nested += "Content-Type: text/plain\n\nhi\n"
    p = postmark_payload(mime); p["RawEmail"] = nested
    show(post_postmark(client, p))
    show(client.post("/anymail/postmark/inbound/", data="["*100000 + "]"*100000, content_type="application/json", **basic_auth()))
    f = mailgun_fields(corpus("outlook_reply.eml")); f["timestamp"] = "1" + "0"*400
    show(post_mailgun(client, f))
