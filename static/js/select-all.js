// "Select all" for a list of checkboxes: progressive enhancement only. Without this file the
// boxes are ticked one by one. A block marked data-select-all="NAME" is moved to the top of
// the checkboxes named NAME, shown, and ticks or clears them all.
for (const block of document.querySelectorAll("[data-select-all]")) {
  const name = block.dataset.selectAll;
  const boxes = [...document.querySelectorAll(`input[type="checkbox"][name="${name}"]`)];
  const toggle = block.querySelector("input[type='checkbox']");
  if (!boxes.length || !toggle) continue;
  const list = boxes[0].closest(".govuk-checkboxes");
  const item = block.querySelector(".govuk-checkboxes__item");
  list.insertBefore(item, list.firstChild);
  block.remove();
  const sync = () => {
    toggle.checked = boxes.every((box) => box.checked);
  };
  toggle.addEventListener("change", () => {
    for (const box of boxes) box.checked = toggle.checked;
  });
  for (const box of boxes) box.addEventListener("change", sync);
  sync();
}
