// Fallback for a diagram whose SVG has not been drawn yet (`make diagrammes`, hooks/diagrams.py): such a
// ```mermaid fence stays a <pre class="diagramme">, drawn here by Mermaid, a 3 Mo library loaded from the
// site's own copy only when the diagram comes near the screen. overrides/main.html adds this script to
// those pages only.
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
