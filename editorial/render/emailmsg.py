"""The newsletter as an email message: multipart/alternative (text, then HTML), with the headers
mailbox providers ask of bulk senders (List-Unsubscribe, one-click unsubscribe). When an inline
image is given, the HTML part is multipart/related with the image as a `cid:` part, so the message
shows its image with no server:

    multipart/alternative
      text/plain
      multipart/related
        text/html   (<img src="cid:...">)
        image/png   (Content-ID, inline)
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses

from editorial.errors import RenderError


@dataclass(frozen=True)
class InlineImage:
    """An image carried in the message, shown by `<img src="cid:{cid}">`."""

    cid: str  # without the angle brackets
    data: bytes
    subtype: str = "png"
    filename: str = "preview.png"


def one_line(value: str) -> str:
    """A header value with CR, LF and other control characters removed (no header injection)."""
    return " ".join("".join(c if c.isprintable() else " " for c in value).split())


def _domain(address: str) -> str:
    pairs = getaddresses([address])
    addr = pairs[0][1] if pairs else ""
    return addr.rpartition("@")[2] or "localhost"


def _date(iso: str) -> str:
    """RFC 5322 date of an ISO day (midnight UTC) or time (UTC when it names no zone), never the
    clock; "" when unknown."""
    try:
        when = dt.datetime.fromisoformat(iso.strip())
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(iso.strip()[:10])
        except ValueError:
            return ""
    return format_datetime(when if when.tzinfo else when.replace(tzinfo=dt.UTC))


def build_message(
    *,
    subject: str,
    sender: str,
    recipient: str,
    text: str,
    html: str,
    unsubscribe_url: str,
    unsubscribe_mailto: str,
    date: str,
    message_key: str,
    language: str,
    image: InlineImage | None = None,
) -> bytes:
    """The .eml bytes (CRLF line ends, quoted-printable UTF-8 parts), ready for any SMTP client."""
    msg = EmailMessage(policy=policy.SMTP)
    try:
        msg["Subject"] = one_line(subject)
        msg["From"] = one_line(sender)
        msg["To"] = one_line(recipient)
        when = _date(date)
        if when:
            msg["Date"] = when
        msg["Message-ID"] = f"<{one_line(message_key).replace(' ', '-')}@{_domain(sender)}>"
        msg["Content-Language"] = language
        targets = [u for u in (one_line(unsubscribe_url), one_line(unsubscribe_mailto)) if u]
        if targets:
            msg["List-Unsubscribe"] = ", ".join(f"<{u}>" for u in targets)
        if unsubscribe_url.startswith("https://"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    except (ValueError, TypeError) as exc:
        raise RenderError(f"bad newsletter header: {exc}") from exc
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if image is not None:
        html_part = list(msg.iter_parts())[1]  # the HTML alternative, made related
        html_part.add_related(
            image.data, maintype="image", subtype=image.subtype, cid=f"<{image.cid}>",
            disposition="inline", filename=image.filename,
        )  # fmt: skip
        html_part.set_boundary(f"=_editorial_rel_{_digest(message_key, text, html)}")
    # A boundary from the content, not from the clock or a random source: reproducible files.
    msg.set_boundary(f"=_editorial_{_digest(message_key, text, html)}")
    return msg.as_bytes()


def _digest(*parts: str) -> str:
    return hashlib.sha256("".join(parts).encode("utf-8")).hexdigest()[:32]
