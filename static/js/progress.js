// Keeps a progress bar up to date while a worker does a long job (an import, a board pack),
// then reloads the page to show the outcome. Without JavaScript the page says how far it has
// got when it is loaded. Driven by data attributes on the bar's panel:
//   data-progress-url      the job's progress as JSON: {status, done, total, step, percent}
//   data-progress-running  the statuses (space-separated) of a job still running; any other
//                          status reloads the page
//   data-progress-message  the text shown under the bar once the total is known, in which
//                          {done} and {total} (numbers, as in en-GB), {percent} and {:step}
//                          (": " and the step, in lower case; nothing when there is none)
//                          are replaced
// and on the element (inside the panel) that shows the text: data-progress-text.
const number = (value) => value.toLocaleString("en-GB");

const message = (template, progress) =>
  template.replace(/\{(done|total|percent|:step)\}/g, (_, name) => {
    if (name === ":step") {
      return progress.step ? `: ${progress.step.toLowerCase()}` : "";
    }
    return name === "percent" ? String(progress.percent) : number(progress[name]);
  });

const follow = (panel) => {
  const bar = panel.querySelector("progress");
  const text = panel.querySelector("[data-progress-text]");
  const running = panel.dataset.progressRunning.split(/\s+/);
  const poll = async () => {
    try {
      const response = await fetch(panel.dataset.progressUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const progress = await response.json();
        if (!running.includes(progress.status)) {
          window.location.reload();
          return;
        }
        if (progress.total) {
          bar.max = progress.total;
          bar.value = progress.done;
          text.textContent = message(panel.dataset.progressMessage, progress);
        }
      }
    } catch (error) {
      // A dropped request is retried at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
};

document.querySelectorAll("[data-progress-url]").forEach(follow);
