"""`Authorization: Token <key>`: knox's authentication, noting when each token was last used
(REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"]). Kept apart from the views, which DRF
imports while it loads this."""

from __future__ import annotations

from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's, and "last used" noted at most once an hour (`tokens.token_used`)."""

    def authenticate_credentials(self, token):
        from .. import tokens  # the models load after the settings that name this class

        user, auth_token = super().authenticate_credentials(token)
        tokens.token_used(token=auth_token)
        return user, auth_token


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI security scheme of the class above: knox's."""

    target_class = "cdp.api.authentication.TokenAuthentication"
