"""factory_boy factories for non-spatial test data: users and roles."""

import factory
from django.contrib.auth.models import Group, User
from factory.django import DjangoModelFactory

from districts.permissions import ADMINS, PLANNERS

PASSWORD = "a long enough test password"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)


def in_group(user: User, name: str) -> User:
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def planner_user(**kwargs) -> User:
    return in_group(UserFactory(**kwargs), PLANNERS)


def admin_user(**kwargs) -> User:
    return in_group(UserFactory(**kwargs), ADMINS)
