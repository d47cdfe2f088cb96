"""The sign-in form: allauth's, with the field named `username` as it always was, so that
password managers, scripts and bookmarks that post to /sign-in/ keep working."""

from __future__ import annotations

from allauth.account import forms as account_forms
from allauth.account.forms import LoginForm
from allauth.account.internal import flows
from django import forms

from . import sso


def sso_only_message(issuer) -> str:
    return (f"Your organisation signs in with {issuer.name}: use the \u201cSign in with "
            f"{issuer.name}\u201d button below. Passwords are switched off for it.")


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Username"
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def clean(self):
        """An email typed as the username, on a domain whose issuer switched passwords off,
        is refused before any password is checked; a username whose account is on such a
        domain or linked to such an issuer, once its password is right (so that the answer
        does not tell strangers which usernames exist)."""
        typed = (self.data.get(self.add_prefix("login")) or "").strip()
        issuer = "@" in typed and sso.sso_only_issuer(self.request, email=typed)
        if issuer:
            raise forms.ValidationError(sso_only_message(issuer))
        cleaned = super().clean()
        user = getattr(self, "user", None)
        issuer = user is not None and sso.sso_only_issuer(self.request, user=user)
        if issuer:
            self.user = None
            raise forms.ValidationError(sso_only_message(issuer))
        return cleaned

    def add_prefix(self, field_name: str) -> str:
        # The form's data and its HTML say `username`; allauth's code reads `login`.
        return super().add_prefix("username" if field_name == "login" else field_name)

    def _login_with_password(self, request, redirect_url, credentials):
        # The session lasts as the SESSION_* settings say, with no expiry of its own.
        self._login.redirect_url = redirect_url
        return flows.login.perform_password_login(request, credentials, self._login)


class ChangePasswordForm(account_forms.ChangePasswordForm):
    """allauth's (the current password, then the new one twice), in plain words."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label in (("oldpassword", "Current password"), ("password1", "New password"),
                            ("password2", "New password again")):
            self.fields[name].label = label
            self.fields[name].help_text = ""
            self.fields[name].widget.attrs.pop("placeholder", None)
