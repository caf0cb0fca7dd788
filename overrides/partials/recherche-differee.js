// The search index (about 1 Mo, 350 Kio compressed) is fetched when the reader first reaches for the search,
// not with every page: Material requests it with an XMLHttpRequest as soon as a page opens, so that request
// waits here until the search field is opened or focused, or a search shortcut key is pressed. Inlined in
// <head> by overrides/main.html, before Material's script. Tested in tests/test_browser.py.
(() => {
  let wanted = false
  const waiting = []
  const want = () => {
    if (!wanted) {
      wanted = true
      waiting.splice(0).forEach(send => send())
    }
  }
  const { open, send } = XMLHttpRequest.prototype
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.kallmSearchIndex = /\/search\/search_index\.json$/.test(String(url))
    return open.call(this, method, url, ...rest)
  }
  XMLHttpRequest.prototype.send = function (...args) {
    if (this.kallmSearchIndex && !wanted) {
      waiting.push(() => send.apply(this, args))
      return
    }
    return send.apply(this, args)
  }
  // A link from a search result (?h=…) highlights the words found: the page needs the index at once.
  if (new URLSearchParams(location.search).has("h")) want()
  addEventListener("keydown", event => { if (["/", "s", "S", "f", "F"].includes(event.key)) want() }, true)
  addEventListener("focusin", event => { if (event.target.closest?.(".md-search")) want() }, true)
  addEventListener("change", event => { if (event.target.id === "__search") want() }, true)
  addEventListener("pointerdown", event => { if (event.target.closest?.("[for='__search'], .md-search")) want() }, true)
})()
