"""Django's ModelBackend, loading the signed-in user of each request with what the second
factor's check needs (cdp.signin.middleware), in the same query: whether they administer a
partnership, and whether they have a second factor."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from partnerships import access


class SignInBackend(ModelBackend):
    def get_user(self, user_id):
        users = get_user_model()._default_manager.annotate(
            is_partnership_admin=access.is_partnership_admin_expression(),
            has_second_factor=Exists(Authenticator.objects.filter(user=OuterRef("pk"))))
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
