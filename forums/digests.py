"""Daily e-mail digests of what residents follow (``manage.py
send_digests``), and the signed link that stops them.

A digest is recorded in the same transaction that sends it and moves the
resident's last visit: the row's ``digest_once_a_day`` constraint makes a
second run on the same day (or a concurrent one) send nothing, and a
message that fails to send leaves no row, so the next run tries again."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from forums.models import Digest, Follow, Follower
from forums.selectors import FollowNews, follow_news
from forums.services import follows_mark_seen

UNSUBSCRIBE_SALT = "forums.digests.unsubscribe"
# Rows of each kind a message lists; the counts say how many there are.
DIGEST_ROWS = 10


def unsubscribe_token(user: User) -> str:
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_of_unsubscribe_token(token: str) -> User | None:
    """The resident a link was made for; None for a forged or broken one.
    The links do not expire: an old digest's link still stops digests."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def digest_recipients(*, now: datetime) -> QuerySet[User]:
    """Residents who follow something, have an address, have not stopped
    digests and got none today."""
    stopped = Follower.objects.filter(user=OuterRef("pk"), digests=False)
    sent_today = Digest.objects.filter(
        user=OuterRef("pk"), sent_on=timezone.localdate(now)
    )
    return (
        User.objects.filter(
            Exists(Follow.objects.filter(user=OuterRef("pk"))), is_active=True
        )
        .exclude(email="")
        .exclude(Exists(stopped))
        .exclude(Exists(sent_today))
        .order_by("pk")
    )


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def digest_message(user: User, news: FollowNews, *, language: str) -> EmailMessage:
    with translation.override(language):
        unsubscribe = absolute(
            reverse("meetings:digest-unsubscribe", args=[unsubscribe_token(user)])
        )
        body = render_to_string(
            "forums/digest.txt",
            {
                "user": user,
                "news": news,
                # The template's {% url %} paths follow this.
                "site": settings.SITE_URL.rstrip("/"),
                "unsubscribe_url": unsubscribe,
            },
        )
        subject = _("Piiri: new in what you follow")
    return EmailMessage(
        subject=subject,
        body=body,
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe}>"},
    )


@transaction.atomic
def digest_send(*, user: User, now: datetime) -> Digest | None:
    """Send ``user`` what is new since their last visit, up to ``now``;
    None when there is nothing new or today's digest went already."""
    news = follow_news(user=user, until=now, rows=DIGEST_ROWS)
    if news.empty:
        return None
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                user=user,
                sent_on=timezone.localdate(now),
                sent_at=now,
                since=news.since,
                case_count=news.case_count,
                proposal_count=news.proposal_count,
                meeting_count=news.meeting_count,
            )
    except IntegrityError:
        return None
    follower = follows_mark_seen(user=user, at=now)
    digest_message(
        user, news, language=follower.language or settings.LANGUAGE_CODE
    ).send()
    return digest
