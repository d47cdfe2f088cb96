"""The sign-in page, and the national administrators' page for resetting a lost second
factor. The other pages (second factor, step-up) are django-allauth's, with this project's
templates."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account import views as account_views
from allauth.account.decorators import reauthentication_required
from allauth.account.views import LoginView
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse

from partnerships import access

from . import notifications, services, sso


class SignInView(LoginView):
    def dispatch(self, request, *args, **kwargs):
        self.issuers = sso.issuers(request)
        response = super().dispatch(request, *args, **kwargs)
        sso.allow_forms_to(response, [sso.origin(app) for app in self.issuers])
        return response

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        query = urlencode({"process": "login", "next": context.get("redirect_field_value")
                           or resolve_url(settings.LOGIN_REDIRECT_URL)})
        issuers = [{"name": app.name, "url": reverse(
            "openid_connect_login", kwargs={"provider_id": app.provider_id}) + "?" + query}
            for app in self.issuers]
        return {**context, "axes_failure_limit": settings.AXES_FAILURE_LIMIT,
                "sso_issuers": issuers}


class PasswordChangeView(account_views.PasswordChangeView):
    """allauth's: the current password, then the new one twice (OWASP ASVS 2.1.5, 2.1.6).
    It signs the person out everywhere and emails them. Someone with no password here, or
    whose organisation has switched passwords off, is told to use their organisation's."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        issuer = user.is_authenticated and sso.sso_only_issuer(request, user=user)
        if user.is_authenticated and (issuer or not user.has_usable_password()):
            return render(request, "account/password_change.html",
                          {"no_password": True, "issuer": issuer})
        return super().dispatch(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page for choosing a password from an emailed link (a reset, or an
    invitation's first password), which then emails its owner that it was done."""

    def form_valid(self, form):
        had_password = self.user.has_usable_password()
        response = super().form_valid(form)
        notifications.notify(self.request, self.user, notifications.PASSWORD_RESET
                             if had_password else notifications.PASSWORD_SET)
        return response


class ResetForm(forms.Form):
    username = forms.CharField(max_length=150, label="Their username")
    reason = forms.CharField(max_length=2000, label="Why", widget=forms.Textarea(
        attrs={"rows": 3}), help_text="For example: phone lost, confirmed by a call to the "
                                      "number on the staff directory.")

    def clean_username(self):
        name = self.cleaned_data["username"]
        try:
            return get_user_model().objects.get(username=name, is_active=True)
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(f"There is no active account named {name}.") from None


@login_required
def second_factor_reset(request: HttpRequest) -> HttpResponse:
    """A national administrator removes someone's second factor, having checked who they are
    some other way; whoever must have one sets up a new one at their next sign-in."""
    access.require_national(request.user, "reset someone's second factor")
    return _second_factor_reset(request)


@reauthentication_required
def _second_factor_reset(request: HttpRequest) -> HttpResponse:
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["username"]
        try:
            services.second_factor_reset(user=user, by=request.user,
                                         reason=form.cleaned_data["reason"])
        except ValidationError as problem:
            for field, errors in problem.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, f"{user.get_username()}'s second factor was reset. "
                                      "They set up a new one when they next sign in.")
            return redirect("second_factor_reset")
    return render(request, "account/second_factor_reset.html", {"form": form},
                  status=400 if form.errors else 200)


def confirm_with_password(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Step-up by password, for those with no second factor; whoever has one uses it."""
    if request.user.is_authenticated and is_mfa_enabled(request.user):
        query = request.GET.urlencode()
        return redirect(reverse("mfa_reauthenticate") + (f"?{query}" if query else ""))
    return account_views.reauthenticate(request, *args, **kwargs)
