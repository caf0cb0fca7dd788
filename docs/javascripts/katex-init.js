// Render the math written with pymdownx.arithmatex (\( … \), \[ … \]) and in notebooks ($ … $) with
// the site's own KaTeX. document$ (Material) fires on every page load.
document$.subscribe(({ body }) => {
  renderMathInElement(body, {
    delimiters: [
      { left: "$$", right: "$$", display: true },
      { left: "$", right: "$", display: false },
      { left: "\\(", right: "\\)", display: false },
      { left: "\\[", right: "\\]", display: true }
    ],
    throwOnError: false
  })
})
