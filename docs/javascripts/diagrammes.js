// Diagrams (```mermaid fences, rendered as <pre class="diagramme">) are drawn in the browser by Mermaid,
// a 3 Mo library: it is loaded from the site's own copy only when a diagram comes near the screen, so a
// page opens as fast as a page without diagram. overrides/main.html adds this script where needed.
(() => {
  let library = null
  const load = () => library ??= new Promise((resolve, reject) => {
    const script = document.createElement("script")
    script.src = window.kallmMermaid
    script.onload = resolve
    script.onerror = reject
    document.head.appendChild(script)
  }).then(() => mermaid.initialize({
    startOnLoad: false,
    theme: document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "default"
  }))
  let count = 0
  const draw = async (pre) => {
    await load()
    const { svg } = await mermaid.render(`diagramme-${count++}`, pre.textContent)
    const figure = document.createElement("div")
    figure.className = "diagramme"
    figure.innerHTML = svg
    pre.replaceWith(figure)
  }
  document$.subscribe(({ body }) => {
    const observer = new IntersectionObserver(entries => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target)
          draw(entry.target)
        }
      }
    }, { rootMargin: "400px" })
    body.querySelectorAll("pre.diagramme").forEach(pre => observer.observe(pre))
  })
})()
