// A box that scrolls sideways (a wide table, a long line of code in a notebook) must be reachable with
// the keyboard to be scrolled without a mouse (WCAG 2.1.1): give it a tab stop and a name.
document$.subscribe(({ body }) => {
  for (const box of body.querySelectorAll(".md-typeset__scrollwrap, .md-typeset pre, .jupyter-wrapper pre")) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex") && !box.querySelector("[tabindex]")) {
      box.setAttribute("tabindex", "0")
      box.setAttribute("role", "region")
      box.setAttribute("aria-label", "Contenu à faire défiler horizontalement")
    }
  }
})
