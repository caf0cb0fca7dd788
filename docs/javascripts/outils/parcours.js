/* « Quelle approche pour mon besoin ? » (adapter/strategies.md). hooks/quiz.py writes every step into
   the page; this script shows the steps on the reader's path, one after the other, and the result in a
   live region. `chemin` is the rule, exported for node (tests/test_outils.py). Nothing is stored or sent. */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("parcours",
  typeof module === "object" ? module : null, function () {
  "use strict";

  /* questions : {id: [suites possibles]} ; reponses : {id de question: suite choisie}.
     Renvoie {etapes: questions à montrer, dans l'ordre ; resultat: id du résultat ou null}. */
  function chemin(questions, debut, reponses) {
    var etapes = [], courant = debut;
    while (questions[courant] && etapes.indexOf(courant) < 0) {
      etapes.push(courant);
      var suite = reponses[courant];
      if (!suite || questions[courant].indexOf(suite) < 0) return { etapes: etapes, resultat: null };
      courant = suite;
    }
    return { etapes: etapes, resultat: questions[courant] ? null : courant };
  }

  function brancher(doc) {
    doc.querySelectorAll("[data-parcours]").forEach(function (bloc) {
      var fieldsets = Array.prototype.slice.call(bloc.querySelectorAll("[data-etape]"));
      var questions = {};
      fieldsets.forEach(function (f) {
        questions[f.getAttribute("data-etape")] = Array.prototype.map.call(f.querySelectorAll("input"),
          function (e) { return e.value; });
      });
      var sortie = bloc.querySelector("[data-resultat]");

      function mettreAJour(premierAffichage) {
        var reponses = {};
        fieldsets.forEach(function (f) {
          var choisi = f.querySelector("input:checked");
          if (choisi) reponses[f.getAttribute("data-etape")] = choisi.value;
        });
        var c = chemin(questions, bloc.getAttribute("data-debut"), reponses);
        fieldsets.forEach(function (f) {
          var montre = c.etapes.indexOf(f.getAttribute("data-etape")) >= 0;
          f.hidden = !montre;
          if (!montre) f.querySelectorAll("input").forEach(function (e) { e.checked = false; });
        });
        if (c.resultat) {
          sortie.innerHTML = bloc.querySelector("[data-resultat-de='" + c.resultat + "']").innerHTML;
        } else if (!premierAffichage) {
          var derniere = fieldsets.filter(function (f) { return !f.hidden; }).pop();
          sortie.textContent = "Question suivante\u202f: " + derniere.querySelector("legend").textContent;
        } else {
          sortie.textContent = "Répondez à la première question.";
        }
      }

      bloc.addEventListener("change", function () { mettreAJour(false); });
      bloc.hidden = false;
      mettreAJour(true);
    });
  }

  return { chemin: chemin, brancher: brancher };
});
