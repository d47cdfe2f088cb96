// What sticks out of a phone's viewport (tests/browser/test_phone_widths.py): the outermost
// elements outside it, not inside a region that scrolls or clips; and the regions that
// scroll sideways without saying so (focusable, with role="region" and a name).
() => {
  const vw = document.documentElement.clientWidth;
  const declared = (el) => el.getAttribute('role') === 'region'
    && el.getAttribute('tabindex') === '0'
    && Boolean(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '')
    + (typeof el.className === 'string' && el.className.trim()
      ? `.${el.className.trim().split(/\s+/).join('.')}` : '')
    + ` "${(el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 50)}"`;
  const problems = [];
  const undeclared = [];
  const walk = (el) => {
    for (const child of el.children) {
      const style = getComputedStyle(child);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      const box = child.getBoundingClientRect();
      // Off-screen on purpose (a skip link, Plotly's text measurer): wholly out of view.
      const offscreen = box.right <= 0 || box.bottom <= -1000;
      if (!offscreen && (box.width > 0 || box.height > 0)
          && (box.right > vw + 1 || box.left < -1)) {
        problems.push(`${describe(child)} ${Math.round(box.left)}..${Math.round(box.right)}`);
        continue;  // its children stick out with it: the outermost says enough
      }
      const overflow = style.overflowX;
      if (overflow === 'hidden' || overflow === 'clip') continue;  // nothing shows outside
      if ((overflow === 'auto' || overflow === 'scroll')
          && child.scrollWidth > child.clientWidth + 1) {
        if (!declared(child)) undeclared.push(describe(child));
        continue;  // its content scrolls inside it
      }
      walk(child);
    }
  };
  walk(document.body);
  return {width: document.documentElement.scrollWidth, problems, undeclared};
}
