"""No two accounts look the same: NFKC, case, confusable characters, mixed alphabets (issue 12
item 10), on every path that names an account."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from hipalign.core.errors import InputError
from hipalign.services.identity import accounts
from hipalign.services.identity.usernames import (
    username_clash,
    username_mixes_lookalike_scripts,
    username_skeleton,
)
from tests.services.factories import PASSWORD, all_counts, make_user

User = get_user_model()
CYRILLIC_A = "\u0410"  # CYRILLIC CAPITAL LETTER A


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("cA", f"c{CYRILLIC_A}"),
        ("ca", "\u0441\u0430"),  # both letters Cyrillic: one alphabet, same look
        ("dora", "DORA"),
        ("dora", "\uff24\uff4f\uff52\uff41"),  # full-width Dora
        ("doral", "dora1"),
        ("doral", "doraI"),  # capital I, not lower-case i
        ("mary", "rnary"),
        ("olga", "0lga"),
        ("admin", "\u0430dmin"),
    ],
)
def test_look_alike_names_share_a_skeleton(first: str, second: str) -> None:
    assert username_skeleton(first) == username_skeleton(second)


@pytest.mark.parametrize(
    ("first", "second"), [("dora", "doris"), ("dorai", "doral"), ("jürgen", "jurgen")]
)
def test_names_that_look_different_keep_different_skeletons(first: str, second: str) -> None:
    assert username_skeleton(first) != username_skeleton(second)


@given(st.text(min_size=1, max_size=40))
def test_the_skeleton_ignores_case_and_width_and_never_fails(name: str) -> None:
    assert username_skeleton(name) == username_skeleton(name.upper()) or name.upper() != name
    assert username_skeleton(username_skeleton(name)) == username_skeleton(name)


def test_only_mixes_of_alphabets_that_pass_for_each_other_are_flagged() -> None:
    assert username_mixes_lookalike_scripts(f"c{CYRILLIC_A}")
    assert username_mixes_lookalike_scripts("\u03a9mega")  # Greek Ω + Latin
    assert not username_mixes_lookalike_scripts("田中たろう")  # Han + Hiragana: a Japanese name
    assert not username_mixes_lookalike_scripts("jürgen.o-k")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("existing", "attempt", "message"),
    [
        ("cA", f"c{CYRILLIC_A}", "username: mixes letters of alphabets that look alike"),
        ("ca", "\u0441\u0430", "username: looks the same as an existing account's name"),
        ("doral", "dora1", "username: looks the same as an existing account's name"),
        ("dora", "DORA", "username: already taken; choose another"),
        ("dora", "\uff24\uff4f\uff52\uff41", "username: already taken; choose another"),
    ],
)
def test_signup_service_refuses_a_name_that_looks_like_an_existing_one(
    existing: str, attempt: str, message: str
) -> None:
    make_user(existing)
    before = all_counts()

    with pytest.raises(InputError) as caught:
        accounts.account_create(attempt, PASSWORD)

    assert caught.value.problems[0].startswith(message)
    assert all_counts() == before
    assert list(User._default_manager.values_list("username", flat=True)) == [existing]


@pytest.mark.django_db
def test_a_full_width_name_is_stored_in_its_plain_form() -> None:
    user = accounts.account_create("\uff24\uff4f\uff52\uff41", PASSWORD)

    assert user.get_username() == "Dora"


@pytest.mark.django_db
def test_the_first_account_may_not_mix_alphabets_either() -> None:
    with pytest.raises(InputError) as caught:
        accounts.account_create(f"c{CYRILLIC_A}dmin", PASSWORD, admin=True)

    assert caught.value.problems[0].startswith("username: mixes letters")
    assert not User._default_manager.exists()


@pytest.mark.django_db
def test_accounts_made_outside_the_sign_up_service_meet_the_same_rule() -> None:
    make_user("doral")

    with pytest.raises(ValidationError):
        User._default_manager.create_user(username="dora1", password=PASSWORD)
    # createsuperuser turns the refusal into its own one-line error.
    with pytest.raises(CommandError, match="username: mixes letters of alphabets that look alike"):
        call_command(
            "createsuperuser", username=f"c{CYRILLIC_A}", email="", interactive=False, verbosity=0
        )
    make_user("olga")
    renamed = make_user("petra")
    renamed.username = "0lga"
    with pytest.raises(ValidationError):
        renamed.save()

    assert sorted(User._default_manager.values_list("username", flat=True)) == [
        "doral",
        "olga",
        "petra",
    ]
    # An account's own name never clashes with itself.
    assert username_clash("petra", exclude_pk=renamed.pk) is None
