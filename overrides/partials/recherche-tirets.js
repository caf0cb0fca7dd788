// Material's search reads a hyphen inside a word as « without »: lunr.js splits « pré-entraînement » at the
// hyphen and takes « -entraînement » for a prohibited term, so the pages about pre-training were the only
// ones left out (« ai-je besoin d'un LLM », « TF-IDF », « few-shot » alike). The query going to the search
// worker gets a space instead of such a hyphen; a hyphen typed before a word (« -code ») keeps its meaning.
// Each word of five letters or more also loses a final « s » then a final « e » (« coûte » -> « coût »,
// « documents » -> « document »): lunr.js matches the words that begin with what is typed and the French
// stemmer is not in Material's pipeline for `lang: fr`, so a plural or a conjugated verb missed its noun.
// An apostrophe between two letters becomes a space too (« d'attention » -> « d attention »): the index splits
// words there (`separator` in mkdocs.yml), and the elided article then goes with the stop words below.
// Each word of letters and digits is also sent once matched exactly (« LLM^1 »), beside its prefix (« LLM* »):
// lunr.js adds up every word a prefix matches, so a heading holding « LLM » and « LLMOps » outranked one holding
// « LLM » alone; the exact match gives back the edge to the word the reader typed. Both are the same term, so
// Material does not list the exact one as missing from a result that matches the prefix only.
// The French stop words (« de », « un », « mes », « ai »…) are left out of the query: lunr.js drops them from the
// index, but a word typed is matched as a prefix, so « de » matched « demande » or « déploiement » and « ai »
// matched « AIPD », sending the reader to pages that hold none of the other words. A query made only of stop
// words is kept as typed. STOP_WORDS is the list of lunr-languages' lunr.fr.js (the one Material loads).
// Inlined in <head> by overrides/main.html. Also patched once the page has loaded, for the offline edition,
// whose worker class (iframe-worker) replaces Worker. Tested by tests/test_search.py.
(() => {
  const STOP_WORDS = new Set((
    "ai aie aient aies ait as au aura aurai auraient aurais aurait auras aurez auriez aurions aurons auront aux " +
    "avaient avais avait avec avez aviez avions avons ayant ayez ayons c ce ceci celà ces cet cette d dans de des " +
    "du elle en es est et eu eue eues eurent eus eusse eussent eusses eussiez eussions eut eux eûmes eût eûtes " +
    "furent fus fusse fussent fusses fussiez fussions fut fûmes fût fûtes ici il ils j je l la le les leur leurs " +
    "lui m ma mais me mes moi mon même n ne nos notre nous on ont ou par pas pour qu que quel quelle quelles " +
    "quels qui s sa sans se sera serai seraient serais serait seras serez seriez serions serons seront ses soi " +
    "soient sois soit sommes son sont soyez soyons suis sur t ta te tes toi ton tu un une vos votre vous y à " +
    "étaient étais était étant étiez étions été étée étées étés êtes").split(" "))
  const QUERY = 2  // SearchMessageType.QUERY in Material's search worker
  const patch = Worker => {
    const post = Worker && Worker.prototype.postMessage
    if (!post || post.kallmHyphens) return
    const patched = function (message, ...rest) {
      if (message && message.type === QUERY && typeof message.data === "string") {
        const words = message.data
          .replace(/([\p{L}\p{N}])-(?=[\p{L}\p{N}])/gu, "$1 ")
          .replace(/(\p{L})['’](?=\p{L})/gu, "$1 ")
          .split(/\s+/).filter(Boolean)
        const kept = words.filter(word => !STOP_WORDS.has(word.toLowerCase()))
        const stem = word => /^\p{L}{5,}$/u.test(word) ? word.replace(/s$/u, "").replace(/e$/u, "") : word
        message = { ...message, data: (kept.length ? kept : words).map(stem)
          .map(word => /^[\p{L}\p{N}]+$/u.test(word) ? `${word}^1 ${word}` : word).join(" ") }
      }
      return post.call(this, message, ...rest)
    }
    patched.kallmHyphens = true
    Worker.prototype.postMessage = patched
  }
  patch(window.Worker)
  addEventListener("DOMContentLoaded", () => patch(window.Worker))
})()
