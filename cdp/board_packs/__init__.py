"""Board packs: the paper a partnership's board receives, made in one click.

1. `services.board_pack_request` (a lead, analyst or partnership admin:
   access.GENERATE_BOARD_PACK) creates the pack and queues `cdp.tasks.generate_board_pack`
   after commit; with no broker (the embedded default) the task runs at once, in process.
2. `services.board_pack_generate`, the task's one service, reads what the pack says
   (`selectors.board_pack_content`: the dashboard's tiles, sentences and progress charts, the
   milestones at risk, the risks and the asks); draws every chart and prints the PDF
   (`pdf`: kaleido in one browser session, then WeasyPrint); keeps the file through the one
   file store (partnerships.files) with a random name; and records its steps as it goes.
3. A failure is recorded with its reason; `services.board_pack_retry` queues a failed pack
   again, and the beat task's `services.board_packs_fail_stale` fails those lost on the way.

`views` are the pages (thin). The services' entry points are importable from here too.
"""

from .services import (
    board_pack_generate,
    board_pack_request,
    board_pack_retry,
    board_packs_fail_stale,
)

__all__ = ["board_pack_generate", "board_pack_request", "board_pack_retry",
           "board_packs_fail_stale"]
