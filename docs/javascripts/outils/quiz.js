/* Quiz d'auto-évaluation (hooks/quiz.py writes the questions and their key into the page).

   `corriger` is the one rule: right when the chosen answers are exactly the key's. It is exported for
   node (tests/test_outils.py). In the page, each question gets a « Vérifier » button; the verdict and
   the explanation of each chosen answer go to the question's live region. Nothing is sent. Only if the
   reader chose to keep their progress (attestation.js writes localStorage["kallm-progression"]) is
   each checked answer's verdict added there, for the reading paths' attestation. */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("quiz",
  typeof module === "object" ? module : null, function () {
  "use strict";

  /* choisis, justes : listes des numéros de choix. Renvoie "vide", "juste", "incomplet" ou "faux". */
  function corriger(choisis, justes) {
    if (!choisis.length) return "vide";
    var faux = choisis.filter(function (c) { return justes.indexOf(c) < 0; });
    if (faux.length) return "faux";
    return choisis.length === justes.length ? "juste" : "incomplet";
  }

  var VERDICTS = {
    vide: "Choisissez au moins une réponse avant de vérifier.",
    juste: "Bonne réponse.",
    incomplet: "C'est juste, mais incomplet : il manque au moins une bonne réponse.",
    faux: "Ce n'est pas la bonne réponse."
  };

  /* Adds the verdict to the reader's saved progress, only if they opted in (the key exists). */
  function retenir(question, juste) {
    try {
      var brut = window.localStorage.getItem("kallm-progression");
      if (!brut) return;
      var donnees = JSON.parse(brut);
      var quiz = question.closest("[data-quiz]").getAttribute("data-quiz");
      donnees.quiz = donnees.quiz || {};
      donnees.quiz[quiz] = donnees.quiz[quiz] || {};
      donnees.quiz[quiz][question.getAttribute("data-question")] = juste;
      window.localStorage.setItem("kallm-progression", JSON.stringify(donnees));
    } catch (erreur) { /* storage refused or unreadable: nothing is kept */ }
  }

  function brancher(doc) {
    doc.querySelectorAll(".kallm-question").forEach(function (question) {
      var bouton = question.querySelector(".kallm-verifier button");
      var retour = question.querySelector(".kallm-retour");
      if (!bouton || !retour) return;
      question.querySelector(".kallm-verifier").hidden = false;
      bouton.addEventListener("click", function () {
        var entrees = Array.prototype.slice.call(question.querySelectorAll("input"));
        var choisis = entrees.filter(function (e) { return e.checked; }).map(function (e) { return e.value; });
        var justes = entrees.filter(function (e) { return e.getAttribute("data-correct") === "true"; })
                            .map(function (e) { return e.value; });
        var verdict = corriger(choisis, justes);
        if (verdict !== "vide") retenir(question, verdict === "juste");
        retour.textContent = "";
        var p = doc.createElement("p");
        p.className = "kallm-verdict kallm-verdict--" + verdict;
        p.textContent = VERDICTS[verdict];
        retour.appendChild(p);
        if (verdict === "vide") return;
        var liste = doc.createElement("ul");
        (verdict === "juste" ? choisis : choisis.concat(justes.filter(function (j) { return choisis.indexOf(j) < 0; })))
          .forEach(function (numero) {
            var entree = question.querySelector("input[value='" + numero + "']");
            var label = question.querySelector("label[for='" + entree.id + "']");
            var explication = question.querySelector("[data-explication='" + numero + "']");
            var li = doc.createElement("li");
            var etat = entree.getAttribute("data-correct") === "true" ? "Juste" : "Faux";
            li.textContent = etat + "\u202f: " + label.textContent + " — " + explication.textContent;
            liste.appendChild(li);
          });
        retour.appendChild(liste);
        var relire = question.querySelector("[data-relire]");
        if (relire && verdict !== "juste") {
          var suite = doc.createElement("p");
          suite.appendChild(doc.createTextNode("Pour relire\u202f: "));
          var lien = relire.cloneNode(true);
          lien.removeAttribute("data-relire");
          suite.appendChild(lien);
          retour.appendChild(suite);
        }
      });
    });
  }

  return { corriger: corriger, VERDICTS: VERDICTS, brancher: brancher };
});
