"""Account security and the admin area: the TOTP step of clinicians and admins, roles, and the
audit log. Each view parses the request, calls one service and renders (DESIGN.md 4)."""

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext, gettext_noop, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hipalign.core.access import Action, Role
from hipalign.core.errors import InputError
from hipalign.services.identity import mfa, passwords, roles
from hipalign.services.kernel import audit_log
from hipalign.services.kernel.access import ROLES, NotFound, authorize, role_of
from hipalign.web.edge import add_form_errors, labelled_problem, problem_words
from hipalign.web.forms import OwnPasswordChangeForm, ResetPasswordForm
from hipalign.web.middleware import MFA_SESSION_KEY


def _staff(request: HttpRequest, action: Action) -> Any:
    """The signed-in user when the table lets their role use `action`; 404 otherwise (the area
    does not exist for them)."""
    return authorize(actor=request.user, action=action).user


def _next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(nxt, allowed_hosts=None) and nxt.startswith("/"):
        return nxt
    return reverse("home")


def _passed(request: HttpRequest) -> None:
    # A new session id once the second factor is in: a key seen before this step is worth
    # nothing after it (ASVS 7.2.4).
    request.session[MFA_SESSION_KEY] = True
    request.session.cycle_key()


def _say(exc: InputError, code_label: str) -> str:
    """The first problem, naming the page's one code box by its label (a setup problem is about
    two-step sign-in as a whole)."""
    labels = {"code": gettext(code_label), "setup": gettext("Two-step sign-in")}
    return labelled_problem(exc.problems[0], labels)[1]


# The labels of the code box on each page (mfa_setup.html, mfa_verify.html, security.html),
# worded in the page's language where shown.
_SETUP_CODE = gettext_noop("Code from the app")
_VERIFY_CODE = gettext_noop("Code from your authenticator app")
_ANCHOR_LABELS = {"anchor": "Earlier export to compare with"}


def _qr_data_uri(uri: str) -> str:
    # Drawn here, as an <img> data: URI (the CSP allows data: images, not inline styles): the
    # secret never leaves the machine for a QR service.
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, dark="#000", light="#fff"))


@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = _staff(request, Action.MFA_MANAGE)
    return render(request, "hipalign/security.html", {"status": mfa.mfa_status(user)})


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    user = _staff(request, Action.MFA_MANAGE)
    error = ""
    if request.method == "POST":
        try:
            codes = mfa.mfa_setup_confirm(user, request.POST.get("code", "")[:64])
        except InputError as exc:
            error = _say(exc, _SETUP_CODE)
        except mfa.MfaLocked as exc:
            error = str(exc)
        else:
            _passed(request)
            return render(
                request, "hipalign/mfa_codes.html", {"codes": codes, "next": _next(request)}
            )
    try:
        uri = mfa.mfa_setup_begin(user)
    except InputError:  # already set up
        return redirect("security")
    context = {
        "secret": mfa.mfa_secret_of(uri),
        "qr": _qr_data_uri(uri),
        "error": error,
        "next": _next(request),
    }
    return render(request, "hipalign/mfa_setup.html", context, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    user = _staff(request, Action.MFA_MANAGE)
    if request.session.get(MFA_SESSION_KEY):
        return redirect(_next(request))
    if not mfa.mfa_confirmed(int(user.pk)):
        return redirect(f"{reverse('mfa_setup')}?{urlencode({'next': _next(request)})}")
    error, status = "", 200
    if request.method == "POST":
        try:
            method = mfa.mfa_verify(user, request.POST.get("code", "")[:64])
        except InputError as exc:
            error, status = _say(exc, _VERIFY_CODE), 400
        except mfa.MfaLocked as exc:
            error, status = str(exc), 429
        else:
            _passed(request)
            if method == "recovery":
                left = mfa.mfa_status(user).recovery_left
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(left)s left. Make new ones under Account "
                        "security.",
                        "You used a recovery code; %(left)s left. Make new ones under Account "
                        "security.",
                        left,
                    )
                    % {"left": left},
                )
            return redirect(_next(request))
    return render(
        request,
        "hipalign/mfa_verify.html",
        {"error": error, "next": _next(request)},
        status=status,
    )


@login_required
@require_POST
def mfa_recovery_renew(request: HttpRequest) -> HttpResponse:
    user = _staff(request, Action.MFA_MANAGE)
    try:
        codes = mfa.mfa_recovery_renew(user, request.POST.get("code", "")[:64])
    except InputError as exc:
        messages.error(request, _say(exc, _SETUP_CODE))
        return redirect("security")
    except mfa.MfaLocked as exc:
        messages.error(request, str(exc))
        return redirect("security")
    return render(request, "hipalign/mfa_codes.html", {"codes": codes, "next": reverse("security")})


@login_required
@require_GET
def admin_people(request: HttpRequest) -> HttpResponse:
    user = _staff(request, Action.ACCOUNTS_READ)
    page = roles.people_page(user, request.GET.get("page", 1))
    return render(request, "hipalign/admin_people.html", {"page": page, "roles": ROLES})


@login_required
@require_POST
def admin_role(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _staff(request, Action.ACCOUNTS_WRITE)
    try:
        changed = roles.role_change(
            user,
            public_id,
            request.POST.get("role", "")[:20],
            keep_session=request.session.session_key,
        )
    except InputError as exc:
        messages.error(request, exc.problems[0])
    else:
        if changed:
            messages.info(
                request, gettext("Role changed; that account's other sessions were ended.")
            )
        if changed and role_of(user) is not Role.ADMIN:  # an admin who stepped down leaves the area
            return redirect("home")
    return redirect("admin_people")


@login_required
@require_POST
def admin_mfa_reset(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _staff(request, Action.ACCOUNTS_WRITE)
    try:
        roles.mfa_reset(user, public_id)
    except InputError as exc:
        messages.error(request, exc.problems[0])
    else:
        messages.info(
            request, gettext("Two-step sign-in reset; it is set up again at the next sign-in.")
        )
    return redirect("admin_people")


@login_required
@require_POST
@never_cache
def admin_reset_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """A one-time reset link for an account, shown on this answer only (never stored whole)."""
    user = _staff(request, Action.ACCOUNTS_WRITE)
    secret = passwords.reset_link_issue(user, public_id)
    username = roles.username_of(public_id)
    link = request.build_absolute_uri(reverse("password_reset", args=[secret]))
    return render(
        request,
        "hipalign/admin_reset_link.html",
        {
            "link": link,
            "username": username,
            "hours": int(passwords.LINK_LIFETIME.total_seconds() // 3600),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """The signed-in person's new password: the current one is required; other sessions end."""
    form = OwnPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            user = form.save()  # the User save revokes the account's API tokens (web/signals.py)
            update_session_auth_hash(request, user)  # this session stays, under a new key
            passwords.password_changed(user, keep_session=request.session.session_key)
            messages.info(
                request,
                gettext(
                    "Password changed. Your other sessions were ended and your API tokens revoked."
                ),
            )
            return redirect("account")
        return render(request, "hipalign/password_change.html", {"form": form}, status=422)
    return render(request, "hipalign/password_change.html", {"form": form})


@require_http_methods(["GET", "POST"])
@never_cache
def password_reset(request: HttpRequest, secret: str) -> HttpResponse:
    """Public: whoever holds an admin's reset link sets the account's new password, once."""
    now = timezone.now()
    account = passwords.reset_link_account(secret, now=now)
    if account is None:
        return render(request, "hipalign/password_reset_invalid.html", status=404)
    form = ResetPasswordForm(account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.reset_link_use(secret, password=form.cleaned_data["new_password1"], now=now)
        except NotFound:  # spent by a concurrent request between the two looks
            return render(request, "hipalign/password_reset_invalid.html", status=404)
        except InputError as exc:
            add_form_errors(form, exc.problems)
        else:
            messages.info(request, gettext("Your new password is set. Log in with it."))
            return redirect("login")
    return render(
        request,
        "hipalign/password_reset.html",
        {"form": form, "username": account.get_username()},
        status=422 if form.errors else 200,
    )


@login_required
@require_GET
def admin_audit(request: HttpRequest) -> HttpResponse:
    user = _staff(request, Action.AUDIT_READ)
    by = request.GET.get("by", "")[:150]
    subject = request.GET.get("subject", "")[:150]
    error = ""
    try:
        page = audit_log.audit_page(user, by=by, subject=subject, page=request.GET.get("page", 1))
    except InputError as exc:
        error, page = exc.problems[0], None
    query = urlencode({k: v for k, v in (("by", by), ("subject", subject)) if v})
    return render(
        request,
        "hipalign/admin_audit.html",
        {"page": page, "by": by, "subject": subject, "error": error, "query": query},
        status=400 if error else 200,
    )


MAX_ANCHOR_BYTES = 200_000_000  # an export of a few million rows; the anchor is its last line


def _anchor_text(request: HttpRequest) -> str:
    """The anchor to compare with: a pasted anchor, or the last line of an uploaded export."""
    upload = request.FILES.get("anchor_file")
    if upload is None:
        return request.POST.get("anchor", "")[:10_000]
    if upload.size is None or upload.size > MAX_ANCHOR_BYTES:
        raise InputError("anchor", ["anchor: the file is larger than an export can be"])
    last = b""
    for line in upload:  # streamed: only the last non-empty line is kept
        if line.strip():
            last = line
    return last[:10_000].decode("utf-8", "replace")


@login_required
@require_POST
def admin_audit_verify(request: HttpRequest) -> HttpResponse:
    user = _staff(request, Action.AUDIT_VERIFY)
    try:
        check = audit_log.audit_chain_check(user, anchor=_anchor_text(request))
    except InputError as exc:
        messages.error(request, problem_words(exc.problems, labels=_ANCHOR_LABELS))
        return redirect("admin_audit")
    s = check.state
    head = f"row {s.head_id} (hash {s.head_hash[:16]}…)" if s.head_id else "none (empty log)"
    if check.holds:
        messages.info(
            request,
            f"The hash chain holds: {s.length} rows, the newest is {head}. "
            + (
                "It still contains everything the earlier export held."
                if check.compared
                else "Keep an export: comparing with it later shows rows removed from the end."
            ),
        )
    elif s.holds:
        messages.error(request, f"Compared with the earlier export: {check.problem}.")
    else:
        messages.error(
            request,
            f"The hash chain breaks at row {s.broken_at}: that row, or the one before it, was "
            "edited or removed outside hipalign.",
        )
    return redirect("admin_audit")


@login_required
@require_GET
def admin_audit_export(request: HttpRequest) -> StreamingHttpResponse:
    """The whole log as signed JSON Lines, streamed (its size grows with the log)."""
    user = _staff(request, Action.AUDIT_READ)
    lines = audit_log.audit_export(user, now=timezone.now())
    response = StreamingHttpResponse(lines, content_type="application/jsonl; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="hipalign-audit-{stamp}.jsonl"'
    return response
