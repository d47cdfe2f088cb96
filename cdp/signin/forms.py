"""The sign-in form: allauth's, with the field named `username` as it always was, so that
password managers, scripts and bookmarks that post to /sign-in/ keep working."""

from __future__ import annotations

from allauth.account.forms import LoginForm


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
