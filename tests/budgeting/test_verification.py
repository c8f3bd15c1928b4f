"""The vote fails closed: production votes as the identity proven at an
OpenID Connect sign-in by default, refuses the trust-the-claims voter checks
and the published development key, and a voter's identifier is the same
voter however it is typed."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from budgeting.models import Ballot
from budgeting.verification import (
    SignedInClaims,
    declared_identity,
    signed_in_identity,
    voter_identifier,
)
from tests.budgeting.test_apis import cast, hetu

ROOT = Path(__file__).resolve().parents[2]


def strict_verifier(claims):
    raise ValidationError("Sign in with strong identification.", code="unverified")


def production_env(**overrides):
    """The environment of production (no PIIRI_DEV, no DEBUG), with
    ``overrides``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PIIRI_DEV", "DEBUG", "SECRET_KEY", "VOTER_VERIFIER")
    }
    env["SECRET_KEY"] = "a-production-key-" + "x" * 40
    return {**env, **overrides}


def manage_check(**overrides):
    """``manage.py check`` in production's environment with ``overrides``."""
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_setting(name, **overrides):
    """A setting as production reads it, with ``overrides``."""
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            f"print(settings.{name})",
        ],
        cwd=ROOT,
        env=production_env(DJANGO_SETTINGS_MODULE="config.settings", **overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()


def test_production_votes_through_the_signed_in_identity_by_default():
    assert (
        production_setting("VOTER_VERIFIER")
        == "budgeting.verification.signed_in_identity"
    )
    started = manage_check()
    assert started.returncode == 0, started.stderr
    assert "budgeting.E" not in started.stderr


def test_development_also_takes_claims_sent_to_the_api():
    assert (
        production_setting("VOTER_VERIFIER", PIIRI_DEV="1")
        == "budgeting.verification.development_identity"
    )


@pytest.mark.parametrize("verifier", ["declared_identity", "development_identity"])
def test_production_refuses_to_start_with_a_trust_the_claims_check(verifier):
    refused = manage_check(VOTER_VERIFIER=f"budgeting.verification.{verifier}")
    assert refused.returncode != 0
    assert "budgeting.E001" in refused.stderr
    assert "made-up names" in refused.stderr


SIGNED_IN = {
    "issuer": "https://tunnistus.example",
    "subject": "a-stable-subject",
    "level_of_assurance": "substantial",
    "birth_date": "1990-05-01",
    "municipality": "091",
    "home_major_district": "3",
}


def test_the_signed_in_identity_comes_from_the_sign_in_claims():
    identity = signed_in_identity(SignedInClaims(SIGNED_IN))
    assert identity.identifier == "https://tunnistus.example a-stable-subject"
    assert identity.birth_date == dt.date(1990, 5, 1)
    assert identity.municipality == "091"
    assert identity.home_major_district == "3"


def test_the_same_claims_sent_in_a_request_are_not_trusted():
    with pytest.raises(ValidationError, match="Sign in with strong identification"):
        signed_in_identity(dict(SIGNED_IN))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"level_of_assurance": "low"}, "was not strong"),
        ({"subject": " "}, "no subject"),
        ({"birth_date": ""}, "no birth date"),
    ],
)
def test_a_weak_or_incomplete_sign_in_cannot_vote(change, words):
    with pytest.raises(ValidationError, match=words):
        signed_in_identity(SignedInClaims({**SIGNED_IN, **change}))


def test_production_starts_with_a_real_voter_check():
    accepted = manage_check(
        VOTER_VERIFIER="tests.budgeting.test_verification.strict_verifier"
    )
    assert accepted.returncode == 0, accepted.stderr
    assert "budgeting.E" not in accepted.stderr


def test_development_may_trust_the_claims():
    assert manage_check(PIIRI_DEV="1").returncode == 0


@pytest.mark.parametrize(
    "key", ["piiri-local-development-only-not-secret", "change-me"]
)
def test_a_published_secret_key_is_refused_when_debug_is_off(key):
    refused = manage_check(
        SECRET_KEY=key,
        VOTER_VERIFIER="tests.budgeting.test_verification.strict_verifier",
    )
    assert refused.returncode != 0
    assert "published development key" in refused.stderr


def test_make_serve_does_not_pass_the_development_flag_on():
    env = {k: v for k, v in os.environ.items() if k != "PIIRI_DEV"}
    plan = subprocess.run(
        ["make", "-n", "serve"], cwd=ROOT, env=env, capture_output=True, text=True
    ).stdout
    commands = [line for line in plan.splitlines() if "manage.py" in line]
    assert commands
    assert all(line.startswith("env -u PIIRI_DEV") for line in commands)


@pytest.mark.parametrize(
    "variant",
    [
        "１８０５９０－１１１Ｅ",  # full width
        "180590-111e",
        "180590\u200b-111E",  # zero-width space
        "\u2060180590-111E\u200d",  # word joiner, zero-width joiner
        " 180590-111E ",
    ],
)
def test_an_identifier_variant_is_the_same_voter(variant):
    assert hetu() == "180590-111E"
    assert voter_identifier(variant) == "180590-111E"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("180590-111X", "check character"),
        ("310290-123T", "real date"),
        ("180590_111E", "not a Finnish personal identity code"),
        ("x", "not a Finnish personal identity code"),
    ],
)
def test_a_mistyped_identity_code_is_refused(code, words):
    claims = {"identifier": code, "birth_date": "1990-05-18", "municipality": "091"}
    with pytest.raises(ValidationError, match=words):
        declared_identity(claims)


def test_the_birth_date_must_match_the_code():
    claims = {
        "identifier": hetu(),
        "birth_date": "1990-05-19",
        "municipality": "091",
    }
    with pytest.raises(ValidationError, match="does not match"):
        declared_identity(claims)


@pytest.mark.django_db
def test_a_full_width_or_zero_width_variant_cannot_vote_twice(client, round_, plans):
    assert cast(client, round_, [plans["park"].pk]).status_code == 201
    for variant in ("１８０５９０－１１１Ｅ", "180590-111\u200bE"):
        again = cast(client, round_, [plans["park"].pk], identifier=variant)
        assert again.status_code == 400
        assert again.json()["code"] == "duplicate"
    assert Ballot.objects.count() == 1
