// "Select all" for a long list of checkboxes: progressive enhancement only. Markup: either a
// checkbox with data-select-all="NAME" (it stands after its list without JavaScript, and
// ticking it marks every row when the form is saved: the public page settings), or a hidden
// block with data-select-all="NAME" holding a checkbox of no name (shown only with
// JavaScript: the overdue milestones page). Either way the box moves to the top of the list
// of checkboxes named NAME, ticks or unticks them all at once, and follows them: ticked when
// all are, unticked when one is not.
for (const marked of document.querySelectorAll("[data-select-all]")) {
  const toggle = marked.matches("input") ? marked : marked.querySelector("input[type='checkbox']");
  const scope = (toggle && toggle.form) || document;
  const boxes = Array.from(
    scope.querySelectorAll(`input[type="checkbox"][name="${marked.dataset.selectAll}"]`),
  );
  if (!toggle || boxes.length === 0) {
    continue;
  }
  const item = toggle.closest(".govuk-checkboxes__item");
  const list = boxes[0].closest(".govuk-checkboxes");
  if (item && list) {
    const group = item.closest(".govuk-form-group");
    list.prepend(item);
    item.classList.add("cdp-select-all");
    if (marked !== toggle) {
      marked.remove();
    } else if (group && group.querySelectorAll("input").length === 0) {
      group.remove();
    }
  }
  const follow = () => {
    toggle.checked = boxes.every((box) => box.checked);
  };
  toggle.addEventListener("change", () => {
    for (const box of boxes) {
      box.checked = toggle.checked;
    }
  });
  for (const box of boxes) {
    box.addEventListener("change", follow);
  }
  follow();
}
