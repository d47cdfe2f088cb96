"""The board pack pages: the partnership's packs (and the button that makes one), a pack with
its progress bar or its download link, the progress as JSON for the bar's script, retrying a
failed pack, and the PDF itself. Thin: the reads are in selectors.py, the writes in
services.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.generic import TemplateView, View

from cdp.models import BoardPack
from partnerships import access
from partnerships.mixins import PartnershipViewMixin

from . import selectors, services

RUNNING = (BoardPack.Status.QUEUED, BoardPack.Status.GENERATING)


class BoardPackMixin(PartnershipViewMixin):
    """Every member reads the packs; leads, analysts and admins make them (access.py)."""

    read_action = access.VIEW
    write_action = access.GENERATE_BOARD_PACK

    def get_pack(self) -> BoardPack:
        """One of the partnership's packs; another partnership's is not found."""
        return self.get_scoped(BoardPack.objects.select_related("requested_by"),
                               pk=self.kwargs["pk"])

    def pack_url(self, pack: BoardPack) -> str:
        return reverse("board_pack", args=[self.partnership.slug, pack.pk])


class BoardPackListView(BoardPackMixin, TemplateView):
    """The partnership's packs, newest first; POST makes a new one."""

    template_name = "cdp/board_packs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["packs"] = selectors.board_packs_for(
            partnership=self.partnership, user=self.request.user)[:50]
        return context

    def post(self, request, *args, **kwargs):
        pack = services.board_pack_request(partnership=self.partnership, user=request.user)
        return HttpResponseRedirect(self.pack_url(pack))


class BoardPackDetailView(BoardPackMixin, TemplateView):
    template_name = "cdp/board_pack.html"
    write_action = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pack = self.get_pack()
        context.update(pack=pack, running=pack.status in RUNNING,
                       progress=selectors.board_pack_progress(pack))
        return context


class BoardPackProgressView(BoardPackMixin, View):
    """JSON for the progress bar, polled by static/js/progress.js."""

    write_action = None

    def get(self, request, *args, **kwargs):
        return JsonResponse(selectors.board_pack_progress(self.get_pack()))


class BoardPackRetryView(BoardPackMixin, View):
    def post(self, request, *args, **kwargs):
        pack = self.get_pack()
        try:
            pack = services.board_pack_retry(pack=pack, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(self.pack_url(pack))


class BoardPackDownloadView(BoardPackMixin, View):
    """The PDF, to members only: packs are never served from the web root."""

    write_action = None

    def get(self, request, *args, **kwargs):
        pack = self.get_pack()
        name = f"{self.partnership.slug}-board-pack-{pack.requested_at:%Y-%m-%d}.pdf"
        return FileResponse(selectors.board_pack_file(pack), as_attachment=True, filename=name,
                            content_type="application/pdf")
