"""Emails that tell people about changes to how they sign in (OWASP ASVS 2.2.3 and 2.5.5):
a password changed, reset or set, a second factor added or removed, new recovery codes, a
single sign-on linked, an API token made, a used code tried again, and (cdp/admin.py) an email
address changed or a password set by a national administrator.

django-allauth sends most of them itself (ACCOUNT_EMAIL_NOTIFICATIONS) from its own pages;
this module sends the rest, from the service's pages, through the same adapter and templates
(templates/account/email/, templates/mfa/email/). Each names when, from which address and
browser, and what to do if it was not them."""

from __future__ import annotations

import logging

from allauth.account.adapter import get_adapter
from django.db import transaction
from django.http import HttpRequest

log = logging.getLogger("cdp.audit")

PASSWORD_CHANGED = "account/email/password_changed"
PASSWORD_RESET = "account/email/password_reset"
PASSWORD_SET = "account/email/password_set"
PASSWORD_SET_FOR_THEM = "account/email/password_set_by_administrator"
EMAIL_CHANGED = "account/email/email_changed"
API_TOKEN_CREATED = "account/email/api_token_created"
CODE_REUSED = "mfa/email/totp_code_reused"


def notify(request: HttpRequest | None, user, template_prefix: str, *, email: str = "",
           **context) -> None:
    """Emails `user` (at `email`, if given) the notice `template_prefix`, once the change is
    committed. A mail server that fails is logged and undoes nothing."""
    adapter = get_adapter(request)

    def send() -> None:
        adapter.send_notification_mail(template_prefix, user, context or None, email or None)

    transaction.on_commit(send, robust=True)


def token_created(request: HttpRequest, token) -> None:
    """An API token was made: it reads the service as its owner until it expires."""
    notify(request, token.user, API_TOKEN_CREATED, token_name=token.name, expiry=token.expiry)
