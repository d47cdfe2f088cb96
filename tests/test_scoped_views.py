"""Every page of a partnership has its generic case (tests/scoped_views.py).

The URL patterns come from the resolver: a new URL with a `partnership_slug` fails here until
its app's tests/<app>/test_scoped_views.py declares it."""

from django.urls import URLPattern, URLResolver, get_resolver

# The modules that declare the cases: imported so that every case is known.
from .actionplans import test_scoped_views as actionplans_cases  # noqa: F401
from .cdp import test_scoped_views as cdp_cases  # noqa: F401
from .outcomes import test_scoped_views as outcomes_cases  # noqa: F401
from .partnerships import test_scoped_views as partnerships_cases  # noqa: F401
from .scoped_views import ScopedObjectViewCase, all_cases


def partnership_routes() -> dict[str, str]:
    """Every named URL whose route takes a `partnership_slug`, with its route."""
    routes: dict[str, str] = {}

    def walk(patterns, namespace: str, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(pattern.url_patterns,
                     f"{namespace}:{inner}" if namespace and inner else inner or namespace,
                     route)
            elif isinstance(pattern, URLPattern) and pattern.name and (
                    "partnership_slug" in route):
                routes[f"{namespace}:{pattern.name}" if namespace else pattern.name] = route

    walk(get_resolver().url_patterns, "", "")
    return routes


def test_every_partnership_page_has_a_generic_case():
    routes, cases = partnership_routes(), all_cases()
    assert len(routes) > 50, "the resolver walk found too few partnership pages"
    missing = sorted(set(routes) - set(cases))
    assert not missing, ("declare a generic case (tests/scoped_views.py) in the app's "
                         f"tests/<app>/test_scoped_views.py for: {missing}")
    stale = sorted(set(cases) - set(routes))
    assert not stale, f"these generic cases name no partnership page: {stale}"


def test_a_page_of_one_object_is_tried_with_the_other_partnerships_object():
    routes, cases = partnership_routes(), all_cases()
    wrong = sorted(name for name, case in cases.items()
                   if ("<int:pk>" in routes.get(name, "")) != issubclass(case,
                                                                         ScopedObjectViewCase))
    assert not wrong, f"use ScopedObjectViewCase exactly for the pages with a pk: {wrong}"
