"""Values every page's template gets."""

from django.conf import settings


def demo(request) -> dict:
    """`demo_banner`: this deployment is a demonstration (DJANGO_DEMO), so every page says
    that figures marked Illustrative are invented. Pages that show figures also say it
    whenever any of theirs is illustrative, whatever the setting."""
    return {"demo_banner": settings.DEMO}
