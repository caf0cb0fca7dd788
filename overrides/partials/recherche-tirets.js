// Material's search reads a hyphen inside a word as « without »: lunr.js splits « pré-entraînement » at the
// hyphen and takes « -entraînement » for a prohibited term, so the pages about pre-training were the only
// ones left out (« ai-je besoin d'un LLM », « TF-IDF », « few-shot » alike). The query going to the search
// worker gets a space instead of such a hyphen; a hyphen typed before a word (« -code ») keeps its meaning.
// Each word of five letters or more also loses a final « s » then a final « e » (« coûte » -> « coût »,
// « documents » -> « document »): lunr.js matches the words that begin with what is typed and the French
// stemmer is not in Material's pipeline for `lang: fr`, so a plural or a conjugated verb missed its noun.
// Inlined in <head> by overrides/main.html. Also patched once the page has loaded, for the offline edition,
// whose worker class (iframe-worker) replaces Worker. Tested by tests/test_search.py.
(() => {
  const QUERY = 2  // SearchMessageType.QUERY in Material's search worker
  const patch = Worker => {
    const post = Worker && Worker.prototype.postMessage
    if (!post || post.kallmHyphens) return
    const patched = function (message, ...rest) {
      if (message && message.type === QUERY && typeof message.data === "string")
        message = { ...message, data: message.data
        .replace(/([\p{L}\p{N}])-(?=[\p{L}\p{N}])/gu, "$1 ")
        .replace(/[\p{L}]{5,}/gu, word => word.replace(/s$/u, "").replace(/e$/u, "")) }
      return post.call(this, message, ...rest)
    }
    patched.kallmHyphens = true
    Worker.prototype.postMessage = patched
  }
  patch(window.Worker)
  addEventListener("DOMContentLoaded", () => patch(window.Worker))
})()
