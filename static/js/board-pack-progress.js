// Updates a board pack's progress bar while a worker makes it, then reloads the page to show
// the download link (or why it failed). Without JavaScript the page has a refresh link.
const panel = document.querySelector("[data-board-pack-progress-url]");
if (panel) {
  const bar = panel.querySelector("progress");
  const text = panel.querySelector("[data-board-pack-progress-text]");
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.boardPackProgressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const progress = await response.json();
        if (!["queued", "generating"].includes(progress.status)) {
          window.location.reload();
          return;
        }
        if (progress.total) {
          bar.max = progress.total;
          bar.value = progress.done;
          const step = progress.step ? `: ${progress.step.toLowerCase()}` : "";
          text.textContent = `${progress.done} of ${progress.total} steps done${step}.`;
        }
      }
    } catch (error) {
      // A dropped request is retried at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}
