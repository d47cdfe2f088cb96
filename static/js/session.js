// The timeout warning (WCAG 2.2.1; the GOV.UK Design System's pattern) and the clearing of
// what the tab kept when someone signs out. Progressive enhancement: the server ends a
// session at its limits whatever this script does (cdp/sessions.py).
import { clearStorage, flushDrafts, keepDrafts } from "./drafts.js";

const json = async (url, options = {}) => {
  try {
    const response = await fetch(url, {
      credentials: "same-origin",
      redirect: "manual",
      ...options,
      headers: { Accept: "application/json", ...(options.headers || {}) },
    });
    if (response.status === 200) return await response.json();
    if (response.status === 401 || response.type === "opaqueredirect") {
      return { signed_in: false, seconds_left: 0 };
    }
    return null;
  } catch {
    return null; // the network failed: try again at the next tick
  }
};

const spoken = (seconds) => {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  }
  return `${seconds} second${seconds === 1 ? "" : "s"}`;
};

// Screen readers hear the time left when the minute changes, then every 15 seconds in the
// last minute: not every second.
const worthAnnouncing = (seconds, last) =>
  spoken(seconds) !== spoken(last) && (seconds >= 60 || seconds % 15 === 0);

const warn = (settings) => {
  const dialog = document.getElementById("cdp-timeout-dialog");
  const countdown = dialog.querySelector("[data-countdown]");
  const announce = dialog.querySelector("[data-countdown-announce]");
  const warning = Number(settings.warningSeconds);
  let deadline = 0;
  let timer = 0;
  let lastShown = -1;
  let returnFocus = null;

  const signedOut = async () => {
    clearTimeout(timer);
    await flushDrafts();
    const next = encodeURIComponent(window.location.pathname + window.location.search);
    window.location.assign(`${settings.signedOutUrl}?next=${next}`);
  };
  const close = () => {
    if (!dialog.open) return;
    dialog.close();
    announce.textContent = "";
    if (returnFocus) returnFocus.focus();
  };
  const schedule = (secondsLeft) => {
    clearTimeout(timer);
    deadline = Date.now() + secondsLeft * 1000;
    timer = setTimeout(check, Math.max(0, secondsLeft - warning) * 1000);
  };
  const show = () => {
    const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    countdown.textContent = spoken(left);
    if (lastShown >= 0 && worthAnnouncing(left, lastShown)) {
      announce.textContent = `You’ll be signed out in ${spoken(left)}.`;
    }
    lastShown = left;
    return left;
  };
  const tick = () => {
    if (show() <= 0) {
      check();
      return;
    }
    timer = setTimeout(tick, 1000);
  };
  // Asks the server (which renews nothing for this request) how long is left: another tab
  // may have kept the session alive.
  const check = async () => {
    const status = await json(settings.statusUrl);
    if (status === null) {
      timer = setTimeout(check, 5000);
      return;
    }
    if (!status.signed_in) {
      signedOut();
      return;
    }
    if (status.seconds_left > warning) {
      close();
      schedule(status.seconds_left);
      return;
    }
    deadline = Date.now() + status.seconds_left * 1000;
    if (!dialog.open) {
      returnFocus = document.activeElement;
      lastShown = -1;
      show();
      dialog.showModal();
      dialog.focus();
    }
    tick();
  };
  const stay = async () => {
    const status = await json(settings.extendUrl, {
      method: "POST",
      headers: { "X-CSRFToken": settings.csrfToken },
    });
    if (status && !status.signed_in) {
      signedOut();
      return;
    }
    close();
    if (status) schedule(status.seconds_left);
  };

  dialog.querySelector("[data-stay-signed-in]").addEventListener("click", stay);
  // Escape closes the warning, which is also an answer: stay signed in.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  schedule(Number(settings.secondsLeft));
};

const clearing = document.querySelector("[data-cdp-clear-storage]");
if (clearing) clearStorage(clearing.dataset.cdpClearStorage);

const session = document.getElementById("cdp-session");
if (session) {
  warn(session.dataset);
  keepDrafts(session.dataset);
}
