// Typed text is never lost to a timeout. A form with `data-cdp-keep-drafts` has what it
// holds kept in sessionStorage (this tab only), encrypted with a key only its owner's
// signed-in pages carry, under "cdp.draft.<owner>.<path>#<form>". After signing in again it
// is offered back; it is deleted once the form is saved, and every draft in the tab is
// deleted when the person signs out.
const PREFIX = "cdp.";
const DRAFT = `${PREFIX}draft.`;
const PENDING = `${PREFIX}submitted`;
const SKIP = new Set(["file", "password", "submit", "button", "reset", "image"]);

const appKeys = () => {
  const keys = [];
  for (let i = 0; i < sessionStorage.length; i += 1) {
    const key = sessionStorage.key(i);
    if (key.startsWith(PREFIX)) keys.push(key);
  }
  return keys;
};

// "all" on signing out; "except-drafts" after a timeout, when the drafts (unreadable without
// their owner's key) wait for the same person to sign in again.
export const clearStorage = (mode) => {
  for (const key of appKeys()) {
    if (mode === "all" || !key.startsWith(DRAFT)) sessionStorage.removeItem(key);
  }
};

const fields = (form) =>
  Array.from(form.elements).filter(
    (field) => field.name && field.name !== "csrfmiddlewaretoken" && !SKIP.has(field.type),
  );

const snapshot = (form) =>
  fields(form).map((field) =>
    field.type === "checkbox" || field.type === "radio"
      ? { n: field.name, c: field.checked }
      : { n: field.name, v: field.value },
  );

const apply = (form, saved) => {
  const list = fields(form);
  saved.forEach((entry, index) => {
    const field = list[index];
    if (!field || field.name !== entry.n) return;
    if ("c" in entry) field.checked = entry.c;
    else field.value = entry.v;
  });
};

const bytes = (hex) => new Uint8Array(hex.match(/../g).map((pair) => parseInt(pair, 16)));
const toBase64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));
const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

const cipher = async (hex) =>
  crypto.subtle.importKey("raw", bytes(hex), "AES-GCM", false, ["encrypt", "decrypt"]);

const seal = async (key, value) => {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const plain = new TextEncoder().encode(JSON.stringify(value));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plain);
  return JSON.stringify({ iv: toBase64(iv), data: toBase64(sealed) });
};

const open = async (key, stored) => {
  try {
    const { iv, data } = JSON.parse(stored);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(iv) }, key, fromBase64(data));
    return JSON.parse(new TextDecoder().decode(plain));
  } catch {
    return null; // another person's, or damaged
  }
};

const pending = [];
export const flushDrafts = async () => Promise.all(pending.map((save) => save()));

const offer = (form, draft, onRestore, onDiscard) => {
  const banner = document.createElement("div");
  const id = `cdp-draft-title-${form.dataset.cdpDraftIndex}`;
  banner.className = "govuk-notification-banner cdp-draft-offer";
  banner.setAttribute("role", "region");
  banner.setAttribute("aria-labelledby", id);
  banner.tabIndex = -1;
  banner.innerHTML = `<div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="${id}">Important</h2></div>
    <div class="govuk-notification-banner__content">
      <p class="govuk-notification-banner__heading">You have unsaved text from before you were signed out</p>
      <p class="govuk-body">It was typed in this form at <span data-when></span>. Restore it to carry on where you left off, or discard it.</p>
      <div class="govuk-button-group">
        <button type="button" class="govuk-button" data-restore>Restore</button>
        <button type="button" class="govuk-button govuk-button--secondary" data-discard>Discard</button>
      </div></div>`;
  const when = new Date(draft.saved);
  banner.querySelector("[data-when]").textContent = when.toLocaleTimeString("en-GB", {
    hour: "2-digit", minute: "2-digit" });
  const answer = (callback) => () => {
    banner.remove();
    callback();
  };
  banner.querySelector("[data-restore]").addEventListener("click", answer(onRestore));
  banner.querySelector("[data-discard]").addEventListener("click", answer(onDiscard));
  form.before(banner);
  banner.focus();
};

// A form sent with no error leads to another page: its draft has been saved for real.
const settleSubmitted = () => {
  const submitted = sessionStorage.getItem(PENDING);
  if (!submitted) return;
  const { key, path } = JSON.parse(submitted);
  if (path !== window.location.pathname) sessionStorage.removeItem(key);
  sessionStorage.removeItem(PENDING);
};

const keep = async (form, index, owner, key) => {
  form.dataset.cdpDraftIndex = String(index);
  const name = `${DRAFT}${owner}.${window.location.pathname}#${form.id || index}`;
  let answered = true;
  const save = async () => {
    if (!answered) return;
    sessionStorage.setItem(name, await seal(key, { saved: Date.now(), fields: snapshot(form) }));
  };
  pending.push(save);
  let timer = 0;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 250);
  };
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.addEventListener("submit", () => {
    sessionStorage.setItem(PENDING, JSON.stringify({ key: name, path: window.location.pathname }));
  });

  const stored = sessionStorage.getItem(name);
  const draft = stored && (await open(key, stored));
  if (!draft || JSON.stringify(draft.fields) === JSON.stringify(snapshot(form))) return;
  answered = false;
  offer(form, draft, () => {
    apply(form, draft.fields);
    answered = true;
    const list = fields(form);
    const first = list.find((field) => field.tagName === "TEXTAREA")
      || list.find((field) => field.type !== "hidden");
    if (first) first.focus();
  }, () => {
    sessionStorage.removeItem(name);
    answered = true;
  });
};

export const keepDrafts = async (settings) => {
  settleSubmitted();
  const forms = document.querySelectorAll("form[data-cdp-keep-drafts]");
  if (!forms.length || !window.crypto || !crypto.subtle) return; // no secure context: keep nothing
  const key = await cipher(settings.draftKey);
  forms.forEach((form, index) => keep(form, index, settings.draftOwner, key));
};
