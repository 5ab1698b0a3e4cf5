"""A clinician's invitation by email (issue 18): the one-time code the clinician has just made,
mailed to the person with the link that fills it in on their Care team page.

The code itself is never stored (only its hash, services/care/links.py); the clinician posts it
back from the page that showed it, so this module finds the link by the same hash. reach and
care are sibling contexts (ARCHITECTURE.md), so the two-line normalisation is repeated here
rather than imported; a test proves both find the same link."""

import hashlib
from datetime import datetime

from django.utils.translation import gettext

from hipalign.adapters.db.models import CareLink
from hipalign.core.access import Action
from hipalign.core.errors import InputError
from hipalign.core.words import long_day_words
from hipalign.services.kernel.access import Actor, NotFound, authorize
from hipalign.services.kernel.audit import audit_record
from hipalign.services.kernel.languages import language_active
from hipalign.services.reach import mail
from hipalign.services.reach.accounts_email import ADDRESS_LABEL, _address

CODE_MAX = 20  # "ABCDE-FGHJK" with room for spaces; anything longer is not a code


def _code_hash(code: str) -> str:
    # Letters and digits in upper case, as services/care/links._hash: a code read back with
    # spaces or in lower case finds its link.
    clean = "".join(c for c in code.upper() if c.isalnum())
    return hashlib.sha256(clean.encode()).hexdigest()


def invitation_send(
    actor: Actor, *, code: str, address: str, invite_url: str, now: datetime
) -> str:
    """Mail the clinician's own unused, unexpired invite code to `address`; returns the address.

    Someone else's code, a used, withdrawn or expired one answers NotFound (the page's 404); a
    bad address or an install without email is an InputError naming the field, and nothing is
    sent or changed."""
    clinician = authorize(actor=actor, action=Action.CARE_INVITE).user
    if not mail.email_enabled():
        raise InputError("email", [f"email: {ADDRESS_LABEL}: this install does not send email"])
    clean = _address(address)
    if not code or len(code) > CODE_MAX:
        raise NotFound("invite code")
    link = CareLink.objects.filter(
        code_hash=_code_hash(code),
        clinician_id=clinician.pk,
        created_by="clinician",
        status="pending",
        expires_at__gt=now,
    ).first()
    if link is None:
        raise NotFound("invite code")
    name = clinician.get_full_name() or clinician.get_username()
    # In the clinician's page language: the person's is not known before they sign up.
    until = long_day_words(link.expires_at.date(), language=language_active(), year=True)
    mail.send(
        clean,
        subject=gettext("hipalign: an invitation from your clinician"),
        body=gettext(
            "%(name)s invites you to share your hipalign exercise plan and progress with them.\n\n"
            "Your code: %(code)s\n"
            "Open %(url)s?code=%(code)s and sign in (or make an account) to confirm it.\n"
            "The code works once, until %(until)s.\n\n"
            "You can end sharing at any time on your Care team page. If you do not know this "
            "clinician, ignore this email."
        )
        % {"name": name, "code": code, "url": invite_url, "until": until},
    )
    # The address is the person's data: the audit row names the link, never the address.
    audit_record(int(clinician.pk), "link.code.invite_email", str(link.id))
    return clean
