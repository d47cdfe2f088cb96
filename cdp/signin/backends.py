"""Django's ModelBackend, loading the signed-in user of each request with what the second
factor's check needs (cdp.signin.middleware), in the same query: whether they administer a
partnership, and whether they have a second factor."""

from __future__ import annotations

from functools import cache

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, QuerySet

from partnerships import access


@cache
def _users() -> QuerySet:
    """Users with those two answers: built once per process (half the cost of loading the
    user each request), never evaluated itself."""
    return get_user_model()._default_manager.annotate(
        is_partnership_admin=access.is_partnership_admin_expression(),
        has_second_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk"))))


class SignInBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = _users().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
