"""API rate limits (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, set from the environment).

Over the limit, the answer is 429 with Retry-After. The rates are read when a request is
checked, not when this module is imported, so that a changed setting takes effect.

The counts live in the shared cache (Redis). When it cannot be reached the API stays up,
unthrottled, and says so in the log: a lead's save matters more than a rate limit. Sign-in
lockout (axes) keeps its counts in the database and holds regardless."""

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)


class RateFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # noqa: BLE001 - the cache is down: serve, unthrottled
            logger.warning("API throttle not applied: the cache cannot be reached",
                           exc_info=True)
            return True


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
