"""The demo's public page: Rotherham publishes one. Idempotent: a page already set up (by
an earlier load, or by its administrator since) is left as it is."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from actionplans.models import Milestone
from cdp.models import PublicPage
from partnerships.models import KeyDocument, Partnership

from .services import public_page_save

SLUG = "rotherham"
# Police risk assessments stay internal; the rest of its completed register is published.
UNPUBLISHED_KINDS = (KeyDocument.Kind.RISK_ASSESSMENT,)


def load_demo_public_page() -> None:
    partnership = Partnership.objects.get(slug=SLUG)
    if PublicPage.objects.filter(partnership=partnership).exists():
        return
    documents = (KeyDocument.objects.filter(partnership=partnership,
                                            status=KeyDocument.Status.COMPLETED)
                 .exclude(kind__in=UNPUBLISHED_KINDS))
    # The words of the finished milestones; the rest are only counted.
    milestones = Milestone.objects.filter(partnership=partnership,
                                          status=Milestone.Status.COMPLETE).order_by("pk")[:3]
    public_page_save(
        partnership=partnership, user=get_user_model().objects.get(username="national.admin"),
        published=True, show_members=True, show_plan=True, show_documents=True,
        show_metrics=True, documents=documents, milestones=milestones,
    )
