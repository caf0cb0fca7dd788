// A box that scrolls sideways (a wide table, a long line of code) must be reachable with the keyboard to
// be scrolled without a mouse (WCAG 2.1.1): give it a tab stop and a name.
// Notebook code and text outputs wrap instead (extra.css): they are not measured, so that the browser
// need not lay out cells still far from the screen. All sizes are read before any attribute is written:
// the page is laid out once, not once per box.
const WRAPPED = ".jupyter-wrapper :is(.highlight-ipynb, .jp-RenderedText) pre"

document$.subscribe(({ body }) => {
  const boxes = [...body.querySelectorAll(".md-typeset__scrollwrap, .md-typeset pre, .jupyter-wrapper pre")]
    .filter((box) => !box.matches(WRAPPED) && !box.hasAttribute("tabindex") && !box.querySelector("[tabindex]"))
  const scrolling = boxes.filter((box) => box.scrollWidth > box.clientWidth)
  for (const box of scrolling) {
    box.setAttribute("tabindex", "0")
    box.setAttribute("role", "region")
    box.setAttribute("aria-label", "Contenu à faire défiler horizontalement")
  }
})
