"""The sign-in form: allauth's, with the field named `username` as it always was, so that
password managers, scripts and bookmarks that post to /sign-in/ keep working."""

from __future__ import annotations

from allauth.account.forms import LoginForm
from allauth.account.internal import flows


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = "Username"
        login.widget.attrs.pop("placeholder", None)
        login.widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs.pop("placeholder", None)

    def add_prefix(self, field_name: str) -> str:
        # The form's data and its HTML say `username`; allauth's code reads `login`.
        return super().add_prefix("username" if field_name == "login" else field_name)

    def _login_with_password(self, request, redirect_url, credentials):
        # The session lasts as the SESSION_* settings say, with no expiry of its own.
        self._login.redirect_url = redirect_url
        return flows.login.perform_password_login(request, credentials, self._login)
