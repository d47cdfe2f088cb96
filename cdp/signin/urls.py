"""Sign-in, the second factor and step-up: django-allauth's views under this project's
addresses. Only the pages the service uses are routed: no sign-up, no email management."""

from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount import views as social_views
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.contrib.auth.decorators import login_required
from django.urls import path

from . import sso_flow, user_sessions, views

sign_in = views.SignInView.as_view()
sign_out = sso_flow.SignOutView.as_view()

urlpatterns = [
    path("sign-in/", sign_in, name="login"),
    path("sign-in/", sign_in, name="account_login"),  # the name allauth's pages use
    path("sign-in/second-factor/", mfa_views.authenticate, name="mfa_authenticate"),
    path("sign-in/sso/cancelled/", social_views.login_cancelled,
         name="socialaccount_login_cancelled"),
    path("sign-in/sso/error/", social_views.login_error, name="socialaccount_login_error"),
    # Single sign-on: a button per issuer POSTs here; the issuer sends the person back.
    path("sign-in/sso/<str:provider_id>/", sso_flow.sso_sign_in, name="openid_connect_login"),
    path("sign-in/sso/<str:provider_id>/callback/", oidc_views.callback,
         name="openid_connect_callback"),
    path("sign-out/", sign_out, name="logout"),
    path("sign-out/", sign_out, name="account_logout"),
    # Step-up: sign in again, with the second factor where there is one.
    path("account/confirm/", views.confirm_with_password, name="account_reauthenticate"),
    path("account/confirm/code/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path("account/confirm/security-key/", webauthn_views.reauthenticate_webauthn,
         name="mfa_reauthenticate_webauthn"),
    # One's own password.
    path("account/password/", login_required(views.PasswordChangeView.as_view()),
         name="account_change_password"),
    # One's own second factors.
    path("account/two-factor/", mfa_views.index, name="mfa_index"),
    path("account/two-factor/app/", totp_views.activate_totp, name="mfa_activate_totp"),
    path("account/two-factor/app/remove/", totp_views.deactivate_totp,
         name="mfa_deactivate_totp"),
    path("account/two-factor/keys/", webauthn_views.list_webauthn, name="mfa_list_webauthn"),
    path("account/two-factor/keys/add/", webauthn_views.add_webauthn, name="mfa_add_webauthn"),
    path("account/two-factor/keys/<int:pk>/remove/", webauthn_views.remove_webauthn,
         name="mfa_remove_webauthn"),
    path("account/two-factor/keys/<int:pk>/rename/", webauthn_views.edit_webauthn,
         name="mfa_edit_webauthn"),
    path("account/two-factor/recovery-codes/", recovery_views.view_recovery_codes,
         name="mfa_view_recovery_codes"),
    path("account/two-factor/recovery-codes/new/", recovery_views.generate_recovery_codes,
         name="mfa_generate_recovery_codes"),
    path("account/two-factor/recovery-codes/download/", recovery_views.download_recovery_codes,
         name="mfa_download_recovery_codes"),
    # Where one is signed in, and signing out elsewhere (allauth's usersessions).
    path("account/sessions/", user_sessions.user_sessions, name="usersessions_list"),
    # National administrators: someone's lost second factor.
    path("account/two-factor/reset/", views.second_factor_reset, name="second_factor_reset"),
]
