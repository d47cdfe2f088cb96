"""API rate limits (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, set from the environment).

Over the limit, the answer is 429 with Retry-After. The rates are read when a request is
checked, not when this module is imported, so that a changed setting takes effect."""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle


class RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonymousThrottle(RateFromSettings, AnonRateThrottle):
    """Per client IP address, for requests without a user."""

    scope = "anonymous"


class UserThrottle(RateFromSettings, UserRateThrottle):
    """Per signed-in user (by session or token)."""

    scope = "user"


class TokenRequestThrottle(RateFromSettings, SimpleRateThrottle):
    """Asking for a token with a username and password: per client IP address, on top of the
    sign-in lockout (axes) that applies to the sign-in page too."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
