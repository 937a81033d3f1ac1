"""Email bodies made safe to keep and show: HTML sanitised (no scripts, styles or
remote images) or turned into plain text, and the quoted history of a reply told apart
from what the writer actually wrote."""

import re
from html.parser import HTMLParser

import nh3

from leads.identity import printable_lines

# What the admin may render of an email's HTML: structure and links, nothing that runs
# or fetches (no <img>, no style attributes, no forms).
SAFE_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area"}
SAFE_ATTRIBUTES = {tag: attrs for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items() if tag in SAFE_TAGS}
HIDDEN_CONTENT = {"script", "style", "head", "title", "template", "noscript", "svg", "math"}
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "footer",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "tr", "ul",
}  # fmt: skip


def html_sanitise(html: str) -> str:
    """The HTML with only inert markup left: safe to render in the admin."""
    return nh3.clean(
        html or "",
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        clean_content_tags=HIDDEN_CONTENT & {"script", "style"},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer nofollow",
    )


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_CONTENT:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("- ")
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_startendtag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in HIDDEN_CONTENT:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text from an HTML body; scripts, styles and markup dropped."""
    extractor = _TextExtractor()
    extractor.feed(html or "")
    extractor.close()
    return text_tidy("".join(extractor.parts))


def text_tidy(text: str) -> str:
    """One newline convention, no trailing spaces, at most one blank line in a row."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    if not printable_lines(text):
        text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
    lines = [" ".join(line.split()) if line.strip() else "" for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Where the quoted history of a reply begins, as each mail client writes it.
QUOTE_STARTS = [
    re.compile(r"^On\b.{0,300}\bwrote:\s*$", re.IGNORECASE | re.DOTALL),  # Gmail, Apple Mail
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),  # Outlook
    re.compile(r"^_{10,}\s*$"),  # Outlook on the web / new Outlook
    re.compile(r"^-{2,}\s*Forwarded message\s*-{2,}\s*$", re.IGNORECASE),  # Gmail forward
    re.compile(r"^Begin forwarded message:\s*$", re.IGNORECASE),  # Apple Mail forward
]
OUTLOOK_HEADER = re.compile(r"^\*?From:\*?\s", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(r"^\*?(Sent|Date):\*?\s", re.IGNORECASE)
SIGNATURE = re.compile(r"^-- ?$")


def _wrapped_attribution(lines: list[str]) -> bool:
    """ "On Tue, 3 Mar 2026 at 10:00, Jane <jane@x>" / "wrote:" wrapped over lines."""
    if not lines or not lines[0].strip().startswith("On "):
        return False
    for end in range(1, len(lines)):
        if lines[end].strip().endswith("wrote:"):
            joined = " ".join(line.strip() for line in lines[: end + 1])
            return bool(QUOTE_STARTS[0].match(joined))
    return False


def reply_strip(text: str) -> str:
    """What the writer wrote in this message: quoted history and signature removed."""
    lines = text_tidy(text).split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(pattern.match(stripped) for pattern in QUOTE_STARTS):
            break
        if _wrapped_attribution(lines[index : index + 3]):
            break
        if OUTLOOK_HEADER.match(stripped) and any(
            OUTLOOK_NEXT.match(following.strip()) for following in lines[index + 1 : index + 4]
        ):
            break
        if SIGNATURE.match(line):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return text_tidy("\n".join(kept))
