// Updates an import's progress bar while a worker checks or applies it, then reloads the page.
const panel = document.querySelector("[data-import-progress-url]");
if (panel) {
  const bar = panel.querySelector("progress");
  const text = panel.querySelector("[data-import-progress-text]");
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.importProgressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const progress = await response.json();
        if (!["queued", "validating", "importing"].includes(progress.status)) {
          window.location.reload();
          return;
        }
        if (progress.total) {
          bar.max = progress.total;
          bar.value = progress.done;
          text.textContent = `${progress.done.toLocaleString("en-GB")} of about ${progress.total.toLocaleString("en-GB")} rows (${progress.percent}%)`;
        }
      }
    } catch (error) {
      // A dropped request is retried at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}
