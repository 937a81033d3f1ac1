"""anymail parses inbound MIME with Leadtrack's reading policy (parsed headers
remembered), and the memory of parsed headers cannot be filled by huge headers."""

from email import message_from_bytes, policy

from anymail.inbound import AnymailInboundMessage

from leads.inbound.parsing import READING_POLICY, RememberingHeaderRegistry

MIME = (
    b"From: Ann Enquirer <ann@example.com>\r\n"
    b"To: enquiries@firm.example\r\n"
    b"Subject: Lease advice\r\n"
    b"Content-Type: multipart/alternative; boundary=b1\r\n"
    b"\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n"
    b"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Hello</p>\r\n--b1--\r\n"
)


def test_anymail_parses_with_the_reading_policy():
    message = AnymailInboundMessage.parse_raw_mime_bytes(MIME)
    assert message.policy is READING_POLICY
    assert message.text.strip() == "Hello"
    assert message.from_email.addr_spec == "ann@example.com"


def test_reading_policy_reads_as_the_default_policy_does():
    ours = AnymailInboundMessage.parse_raw_mime_bytes(MIME)
    plain = message_from_bytes(MIME, policy=policy.default)
    assert ours["Subject"] == plain["Subject"]
    assert ours["From"].addresses == plain["From"].addresses
    assert ours.get_content_type() == plain.get_content_type()
    assert [p.get_content_type() for p in ours.walk()] == [
        p.get_content_type() for p in plain.walk()
    ]


def test_short_headers_are_remembered_long_ones_are_not():
    registry = RememberingHeaderRegistry()
    assert registry("Subject", "Hello") is registry("Subject", "Hello")
    huge = "x" * (RememberingHeaderRegistry.REMEMBER_MAX_CHARS + 1)
    before = registry._remembered.cache_info().currsize
    first = registry("Subject", huge)
    assert str(first) == huge
    assert registry._remembered.cache_info().currsize == before
