// A "Copy" button for a value shown in a read-only box (an API token). Progressive
// enhancement: without JavaScript there is no button, and the whole value can be selected
// and copied by hand. Markup:
//   <textarea id="new-token" readonly data-copy-button="Copy token">…</textarea>
//   <p data-copy-status aria-live="polite"></p>   (says "Copied", to screen readers too)
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

const status = document.querySelector("[data-copy-status]");

for (const box of document.querySelectorAll("[data-copy-button]")) {
  if (!status) {
    break;
  }
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-2";
  button.textContent = box.dataset.copyButton;
  box.after(button);
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
