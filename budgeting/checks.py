"""System checks that keep a vote from running on a development setup.

``manage.py check`` (and every command that runs checks: ``migrate``,
``prepare``, gunicorn's start through config.gunicorn) fails outside
development while the online channel trusts the voter's own claims.
"""

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string

from budgeting.verification import TRUSTING


@register("piiri", deploy=False)
def online_voters_are_verified(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEV:
        return []
    try:
        verifier = import_string(settings.VOTER_VERIFIER)
    except ImportError as error:
        return [
            Error(
                f"VOTER_VERIFIER {settings.VOTER_VERIFIER!r} cannot be imported: "
                f"{error}",
                id="budgeting.E002",
            )
        ]
    if verifier in TRUSTING:
        return [
            Error(
                "The online ballot channel trusts the identity a voter claims "
                f"(VOTER_VERIFIER is {settings.VOTER_VERIFIER}), so anyone "
                "could cast ballots under made-up names.",
                hint="Leave VOTER_VERIFIER unset (residents vote after signing "
                "in with strong identification through OpenID Connect) or set "
                "it to your own strong identification step (see "
                "budgeting/verification.py); PIIRI_DEV=1 is for local work "
                "only.",
                id="budgeting.E001",
            )
        ]
    return []
