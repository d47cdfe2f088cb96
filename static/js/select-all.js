// "Select all" for a long list of checkboxes (the public page settings). Without JavaScript
// the "Select all" box stands after its list, and ticking it marks every row when the form
// is saved. With it, the box moves to the top of its list, ticks or unticks every box at
// once, and follows them: ticked when all are, unticked when one is not. Markup: a checkbox
// with data-select-all="<name>" for the checkboxes named <name>.
const boxesFor = (form, name) =>
  Array.from(form.querySelectorAll(`input[type="checkbox"][name="${name}"]`));

for (const toggle of document.querySelectorAll("input[data-select-all]")) {
  const form = toggle.form;
  const boxes = boxesFor(form, toggle.dataset.selectAll);
  if (!form || boxes.length === 0) {
    continue;
  }
  // Into the list's fieldset, above its boxes.
  const item = toggle.closest(".govuk-checkboxes__item");
  const list = boxes[0].closest(".govuk-checkboxes");
  const group = toggle.closest(".govuk-form-group");
  if (item && list) {
    list.prepend(item);
    item.classList.add("cdp-select-all");
    if (group && group.querySelectorAll("input").length === 0) {
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
