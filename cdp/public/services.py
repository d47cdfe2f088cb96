"""Writes for the public page: a partnership administrator's publication settings."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from actionplans.models import Milestone, Risk
from cdp.models import PublicPage
from outcomes.models import Metric
from partnerships import access
from partnerships.models import KeyDocument, Partnership

SECTIONS = ("show_members", "show_plan", "show_documents", "show_metrics")


@transaction.atomic
def public_page_save(
    *,
    partnership: Partnership,
    user,
    published: bool,
    show_members: bool = False,
    show_plan: bool = False,
    show_documents: bool = False,
    show_metrics: bool = False,
    documents: Iterable[KeyDocument] = (),
    milestones: Iterable[Milestone] = (),
    risks: Iterable[Risk] = (),
    metrics: Iterable[Metric] = (),
) -> PublicPage:
    """Saves what the partnership publishes, as one history row that names the user. Only
    its administrators (and national admins) may; every row marked public must be the
    partnership's own (a metric: its own local one, or a national one)."""
    access.require(user, partnership, access.PUBLISH)
    documents, milestones, risks, metrics = (list(documents), list(milestones), list(risks),
                                             list(metrics))
    foreign = [row for row in (*documents, *milestones, *risks) if
               row.partnership_id != partnership.pk]
    foreign += [m for m in metrics if m.owner_id not in (None, partnership.pk)]
    if foreign:
        raise ValidationError("Only the partnership's own documents, milestones, risks and "
                              "metrics can be published on its page.")
    page = (PublicPage.objects.select_for_update().filter(partnership=partnership).first()
            or PublicPage(partnership=partnership))
    page.published = published
    for name, value in zip(SECTIONS, (show_members, show_plan, show_documents, show_metrics),
                           strict=True):
        setattr(page, name, value)
    created = page.pk is None
    page._history_user = user
    page.skip_history_when_saving = True
    try:
        page.save()
        page.documents.set(documents)
        page.milestones.set(milestones)
        page.risks.set(risks)
        page.metrics.set(metrics)
    finally:
        del page.skip_history_when_saving
    PublicPage._kept_history.create_historical_record(page, "+" if created else "~")
    return page
