// The password strength meter on the pages where a new password is chosen: progressive
// enhancement only. Markup (templates/includes/password_strength.html): a hidden element with
// data-password-strength="ID OF THE NEW-PASSWORD FIELD", data-username and data-email, after
// zxcvbn-ts's browser builds (window.zxcvbnts). As the person types, a line under the field
// says how strong the password looks (weak, fair or strong, from zxcvbn's score) with its
// first piece of advice, in a polite live region. It never blocks: the server's rules decide.
const MIN_LENGTH = 12;
const MAX_LENGTH = 128;
const WAIT_MS = 300; // after the last key, so that a screen reader is not told of every one

// zxcvbn's advice, by its key, in plain British English.
const ADVICE = {
  anotherWord: "add another word or two",
  useWords: "use several words, but not a common phrase",
  l33t: "swapping letters for look-alike symbols, like @ for a, is easy to guess",
  reverseWords: "common words spelt backwards are easy to guess",
  allUppercase: "use capitals for some letters, not all",
  capitalization: "a capital first letter adds little: add another word",
  dates: "avoid dates and years linked to you",
  recentYears: "avoid recent years",
  associatedYears: "avoid years linked to you",
  sequences: "avoid sequences like abc or 123",
  repeated: "avoid repeated words and characters",
  longerKeyboardPattern: "avoid patterns of keys on the keyboard",
  userInputs: "avoid your username and email address",
};
const LEVELS = ["weak", "weak", "weak", "fair", "strong"];

function setUp(marker, zxcvbnts) {
  const field = document.getElementById(marker.dataset.passwordStrength);
  if (!field) {
    return;
  }
  const { zxcvbn, zxcvbnOptions } = zxcvbnts.core;
  const common = zxcvbnts["language-common"];
  const english = zxcvbnts["language-en"];
  zxcvbnOptions.setOptions({
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...english.dictionary },
  });
  const userInputs = [marker.dataset.username, marker.dataset.email].filter(Boolean);

  const line = document.createElement("p");
  line.className = "govuk-body-s cdp-password-strength";
  line.id = `${field.id}-strength`;
  line.setAttribute("aria-live", "polite");
  // After the GOV.UK password input's wrapper (its Show button), or the Django admin's row.
  const wrapper = field.closest(".govuk-password-input__wrapper, .flex-container") || field;
  wrapper.after(line);

  const say = (level, advice) => {
    const strong = document.createElement("strong");
    strong.textContent = level;
    line.replaceChildren("Password strength: ", strong, advice ? ` \u2014 ${advice}` : "");
    line.dataset.level = level;
  };
  const judge = () => {
    const password = field.value;
    if (!password) {
      line.replaceChildren();
      delete line.dataset.level;
      return;
    }
    if (password.length > MAX_LENGTH) {
      say("too long", `use ${MAX_LENGTH} characters or fewer`);
      return;
    }
    const result = zxcvbn(password, userInputs);
    const level = LEVELS[result.score];
    const key = result.feedback.warning === "userInputs" ? "userInputs"
      : result.feedback.suggestions.find((suggestion) => ADVICE[suggestion]);
    if (password.length < MIN_LENGTH) {
      say("weak", `use at least ${MIN_LENGTH} characters`);
    } else if (level === "strong") {
      say(level, "");
    } else {
      say(level, ADVICE[key] || ADVICE.anotherWord);
    }
  };
  let timer;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(judge, WAIT_MS);
  });
  if (field.value) {
    judge();
  }
}

const marker = document.querySelector("[data-password-strength]");
if (marker && window.zxcvbnts && window.zxcvbnts.core) {
  setUp(marker, window.zxcvbnts);
}
