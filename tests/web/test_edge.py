"""The web edge helpers (web/edge.py): the guard's NotFound and Forbidden become a page's 404
in one place, the denial is audited with its kind, and nothing is changed; a service's
"field: message" problems become form errors and API bodies in one place."""

import re
from pathlib import Path

import pytest
from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, RequestFactory

from hipalign.adapters.db.models import PlanRecord
from hipalign.services.kernel.access import Forbidden, NotFound
from hipalign.web.denials import KIND_ATTR
from hipalign.web.edge import (
    NotFoundAs404Middleware,
    add_form_errors,
    field_errors,
    labelled_problem,
    problem_body,
    problem_words,
)
from tests.services.factories import LOG_TODAY, all_counts, log_payload, only_the_denial_added


def _middleware() -> NotFoundAs404Middleware:
    return NotFoundAs404Middleware(lambda request: HttpResponse("unused"))


@pytest.mark.parametrize(("exc", "kind"), [(NotFound("Plan"), "not_found"), (Forbidden(), "role")])
def test_the_guards_refusals_become_a_404_marked_with_their_kind(exc: Exception, kind: str) -> None:
    request = RequestFactory().get("/somewhere")

    with pytest.raises(Http404) as raised:
        _middleware().process_exception(request, exc)

    assert raised.value.__cause__ is exc
    assert getattr(request, KIND_ATTR) == kind


def test_other_exceptions_are_left_to_django() -> None:
    request: HttpRequest = RequestFactory().get("/somewhere")

    assert _middleware().process_exception(request, ValueError("a bug")) is None  # type: ignore[func-returns-value]
    assert not hasattr(request, KIND_ATTR)


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_persons_log_page_is_a_404_that_changes_nothing_but_the_audit(
    method: str, other_client: Client, owner_plan: PlanRecord
) -> None:
    from hipalign.services.program import recording

    log_id = recording.log_record(owner_plan.user, log_payload(owner_plan), today=LOG_TODAY).log_id
    before = all_counts()

    response = getattr(other_client, method)(f"/logs/{log_id}/delete")

    assert response.status_code == 404
    assert only_the_denial_added(before, "denied.not_found")


def test_a_person_opening_the_clinic_patient_list_gets_a_404_audited_as_a_role_refusal(
    owner_client: Client,
) -> None:
    before = all_counts()

    response = owner_client.get("/clinic/patients")

    assert response.status_code == 404
    assert only_the_denial_added(before, "denied.role")


LABELS = {"code": "Code (10 letters and digits)", "email": "Email address"}


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (
            "code: not valid or expired",
            ("code", "Code (10 letters and digits): not valid or expired"),
        ),
        # the service already named the label: not twice, and never the form id in front
        (
            "email: Email address: at most 254 characters",
            ("email", "Email address: at most 254 characters"),
        ),
        # the message quotes the label: it is named already
        (
            "code: copy the Code (10 letters and digits) again",
            ("code", "copy the Code (10 letters and digits) again"),
        ),
        ("when: not a date", ("when", "when: not a date")),  # no label on this page: unchanged
        ("something went wrong", ("", "something went wrong")),
    ],
)
def test_a_service_problem_is_worded_with_the_pages_label_once(
    problem: str, expected: tuple[str, str]
) -> None:
    assert labelled_problem(problem, LABELS) == expected


def test_several_problems_of_one_field_are_one_sentence_led_by_the_label_once() -> None:
    problems = ["code: too short", "code: letters and digits only", "email: Email address: taken"]

    assert field_errors(problems, labels=LABELS) == {
        "code": "Code (10 letters and digits): too short letters and digits only",
        "email": "Email address: taken",
    }


def test_problems_shown_in_one_place_name_each_field_by_its_label() -> None:
    words = problem_words(["code: too short", "not now"], labels=LABELS)

    assert words == "Code (10 letters and digits): too short not now"


class _Form(forms.Form):
    code = forms.CharField(label="Link code")


def test_form_errors_sit_under_their_field_named_by_the_forms_label() -> None:
    form = _Form({"code": "x"})
    assert form.is_valid()

    add_form_errors(form, ["code: not valid or expired", "stranger: no such field"])

    assert form.errors["code"] == ["Link code: not valid or expired"]
    # a field the form does not have goes above the form, in the service's words
    assert form.non_field_errors() == ["stranger: no such field"]


def test_the_api_body_carries_each_problem_as_a_field_and_a_message() -> None:
    body = problem_body("log is not valid", ["answers.pain: 0-10", "(document): not JSON"])

    assert body == {
        "error": "log is not valid",
        "problems": ["answers.pain: 0-10", "(document): not JSON"],
        "fields": [
            {"field": "answers.pain", "message": "0-10"},
            {"field": "(document)", "message": "not JSON"},
        ],
    }


WEB = Path(__file__).resolve().parents[2] / "src" / "hipalign" / "web"
# Splitting a problem line by hand, outside edge.py: .partition(": "), .split(":", ...) and kin.
RESPLIT = re.compile(r"""\.(?:r?partition|r?split)\(\s*["']:\s?["']""")


def test_no_view_splits_a_problem_line_by_hand() -> None:
    found = [
        f"{path.name}:{n}"
        for path in sorted(WEB.rglob("*.py"))
        if path.name != "edge.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if RESPLIT.search(line)
    ]

    assert found == [], "use hipalign.web.edge (field_errors, labelled_problem) instead"


def test_the_hand_split_check_sees_a_split() -> None:
    assert RESPLIT.search('field, _, msg = p.partition(": ")')
    assert RESPLIT.search("p.split(':', 1)")
    assert not RESPLIT.search('" ".join(words)')
    assert not RESPLIT.search('url.partition("://")')  # a URL's scheme is not a problem line
