"""A real SMTP server on loopback (aiosmtpd) for the email tests (issue 18): the app sends
through Django's SMTP backend to it, and the tests read what it received."""

import email
import email.policy
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        return str(part.get_content())


class Inbox:
    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted"

    def wait(self, count: int, *, within_s: float = 20) -> list[Received]:
        """The first `count` messages, waiting for a mail sent from a thread (not a timing
        assertion: it only bounds how long a missing mail is waited for)."""
        end = time.monotonic() + within_s
        while len(self.received) < count and time.monotonic() < end:
            time.sleep(0.02)
        return self.received[:count]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def smtp_settings(settings: Any, port: int) -> None:
    """Point the app's default mailer at the loopback server (plain SMTP, no TLS)."""
    settings.EMAIL_ENABLED = True
    settings.PUBLIC_URL = "http://testserver"
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }


def running(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    smtp_settings(settings, port)
    try:
        yield inbox
    finally:
        controller.stop()
