"""`POST /api/v1/auth/token/`: a token for a username and password, for scripts; for an
account with a second factor, only with a valid code (`otp`) as well.

The same sign-in checks as the sign-in page: axes counts failures and locks the username
out after AXES_FAILURE_LIMIT of them, and requests are throttled per IP address."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import tokens
from ..signin import notifications, second_factor, sso
from .throttling import TokenRequestThrottle


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False,
                                     style={"input_type": "password"})
    name = serializers.CharField(max_length=100, default="API",
                                 help_text="What the token is for, e.g. Power BI report")
    otp = serializers.CharField(max_length=64, required=False, default="",
                                help_text="For an account with a second factor: the code its "
                                          "authenticator app shows now, or a recovery code")
    days = serializers.IntegerField(min_value=1, max_value=365, required=False,
                                    help_text="Days until it expires "
                                              f"(default {settings.API_TOKEN_DAYS})")


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`. "
                                            "It is shown only now.")
    name = serializers.CharField()
    expiry = serializers.DateTimeField()


class ObtainTokenView(APIView):
    """A new API token for a username and password. Revoke tokens on the API tokens page."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenRequestThrottle]

    @extend_schema(request=TokenRequestSerializer, auth=[], responses={
        201: TokenSerializer,
        400: OpenApiResponse(description="Missing fields, a wrong username or password, or "
                                         "a missing or wrong second-factor code (otp)"),
        429: OpenApiResponse(description="Too many requests or failed sign-ins: see "
                                         "Retry-After"),
    })
    def post(self, request):
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        user = authenticate(request._request, username=data["username"],
                            password=data["password"])
        if getattr(request._request, "axes_locked_out", False):
            raise Throttled(wait=settings.AXES_COOLOFF_TIME * 3600,
                            detail="Too many failed sign-ins for this username.")
        if user is None or not user.is_active:
            raise ValidationError({"non_field_errors": [
                "Those details are not right: check the username and password."]})
        issuer = sso.sso_only_issuer(request._request, user=user)
        if issuer:
            raise ValidationError({"non_field_errors": [
                f"Your organisation signs in with {issuer.name}, not a password: sign in on "
                "the website and make a token on the API tokens page."]})
        if second_factor.has_second_factor(user):
            problem = second_factor.code_problem(request._request, user, data["otp"])
            if problem:
                raise ValidationError({"otp": [problem]})
        # A script that names none gets "API", "API 2"…; a name given must be new.
        name = data["name"] if "name" in request.data else tokens.unique_name(
            user=user, name=data["name"])
        token, key = tokens.token_create(user=user, name=name, days=data.get("days"))
        notifications.token_created(request._request, token)
        return Response(TokenSerializer({"token": key, "name": token.name,
                                         "expiry": token.expiry}).data,
                        status=status.HTTP_201_CREATED)
