/* Filtres de la bibliothèque de cas d'usage (hooks/cas_usage.py écrit le tableau et le formulaire).

   Sans JavaScript, le formulaire reste caché et tout le tableau s'affiche. Ici, le formulaire apparaît ;
   chaque liste (domaine, technique, statut) masque les lignes dont l'attribut data-… diffère, et la zone
   « status » dit combien de cas restent affichés. Rien n'est enregistré ni envoyé. */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("cas-usage",
  typeof module === "object" ? module : null, function () {
  "use strict";

  function brancher(doc) {
    var formulaire = doc.querySelector(".kallm-cas-filtres");
    var tableau = doc.querySelector(".kallm-cas-tableau");
    if (!formulaire || !tableau) return;
    var listes = formulaire.querySelectorAll("select[data-filtre]");
    var lignes = tableau.querySelectorAll("tbody tr");
    var compte = formulaire.querySelector(".kallm-cas-compte");

    function filtrer() {
      var affichees = 0;
      lignes.forEach(function (ligne) {
        var garde = Array.prototype.every.call(listes, function (liste) {
          return !liste.value || ligne.getAttribute("data-" + liste.getAttribute("data-filtre")) === liste.value;
        });
        ligne.hidden = !garde;
        if (garde) affichees += 1;
      });
      compte.textContent = affichees === lignes.length ? "Tous les cas sont affichés (" + affichees + ")."
        : affichees + " cas sur " + lignes.length + (affichees > 1 ? " correspondent" : " correspond") + " à ces filtres.";
    }

    formulaire.addEventListener("submit", function (evenement) { evenement.preventDefault(); });
    listes.forEach(function (liste) { liste.addEventListener("change", filtrer); });
    formulaire.hidden = false;
    filtrer();
  }

  return { brancher: brancher };
});
