// A "Copy" button for a value shown in a read-only box (an API token). Progressive
// enhancement: without JavaScript the button stays hidden and the whole value can be
// selected and copied by hand. Markup:
//   <textarea id="new-token" readonly>…</textarea>
//   <button type="button" data-copy-target="new-token" hidden>Copy token</button>
//   <p data-copy-status aria-live="polite"></p>   (says "Copied" to screen readers too)
const copyText = async (box) => {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(box.value);
      return true;
    } catch {
      // Refused (no permission): fall back to selecting the text and copying it.
    }
  }
  box.focus();
  box.select();
  return document.execCommand("copy");
};

for (const button of document.querySelectorAll("[data-copy-target]")) {
  const box = document.getElementById(button.dataset.copyTarget);
  const status = document.querySelector("[data-copy-status]");
  if (!box || !status) {
    continue;
  }
  button.hidden = false;
  button.addEventListener("click", async () => {
    status.textContent = "";
    const copied = await copyText(box);
    // Set after clearing, so that a second copy is announced again.
    window.setTimeout(() => {
      status.textContent = copied
        ? "Copied"
        : "Could not copy: select the token and copy it yourself";
    }, 50);
  });
}
