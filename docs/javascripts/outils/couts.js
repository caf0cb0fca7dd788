/* Calculateur de coût et d'énergie (production/couts.md).

   One definition of the formulas, used by the page and by tests/test_outils.py (run with node). The
   presets are the fil rouge's measured durations (notebook 8's results), embedded by hooks/outils.py
   with notebook 8's stated power and carbon intensity. No price is filled in: a price is the reader's,
   dated and sourced. Nothing is stored or sent. */
(function (racine, fabrique) {
  var module_ = fabrique();
  if (typeof module === "object" && module.exports) {
    module.exports = module_;
  } else {
    racine.kallmCouts = module_;
    if (typeof document !== "undefined") {
      document.addEventListener("DOMContentLoaded", function () { module_.brancher(document); });
    }
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  var OBLIGATOIRES = ["documents", "duree", "puissance", "pue", "intensite"];
  // Empty: what needs them is not computed (a token count is measured with the model's tokenizer, a price is dated).
  var FACULTATIFS = ["tokensEntree", "tokensSortie", "prixEntree", "prixSortie", "prixHeure", "prixKwh"];

  function lireNombre(brut, obligatoire) {
    var texte = brut === undefined || brut === null ? "" : String(brut).trim().replace(",", ".");
    if (texte === "") return obligatoire ? { erreur: "Indiquez une valeur." } : { valeur: null };
    var n = Number(texte);
    if (!isFinite(n)) return { erreur: "Saisissez un nombre, par exemple 1000 ou 0,5." };
    if (n < 0) return { erreur: "La valeur ne peut pas être négative." };
    return { valeur: n };
  }

  /* e : saisies brutes. duree : secondes pour 1 000 documents ; puissance : W ; pue : sans unité ;
     intensite : g CO2eq par kWh ; prix en euros (par million de tokens, par heure, par kWh). */
  function calculer(e) {
    var erreurs = {}, v = {};
    OBLIGATOIRES.concat(FACULTATIFS).forEach(function (nom) {
      var lu = lireNombre(e[nom], OBLIGATOIRES.indexOf(nom) >= 0);
      if (lu.erreur) erreurs[nom] = lu.erreur; else v[nom] = lu.valeur;
    });
    if (!erreurs.documents && v.documents !== Math.floor(v.documents)) erreurs.documents = "Saisissez un nombre entier.";
    if (!erreurs.pue && v.pue < 1) erreurs.pue = "Le PUE vaut au moins 1 (1 : aucune consommation en plus du matériel).";
    if (Object.keys(erreurs).length) return { erreurs: erreurs };
    var r = { erreurs: {} };
    r.tokensEntree = v.tokensEntree === null ? null : v.documents * v.tokensEntree;
    r.tokensSortie = v.tokensSortie === null ? null : v.documents * v.tokensSortie;
    r.coutApi = [r.tokensEntree, r.tokensSortie, v.prixEntree, v.prixSortie].indexOf(null) >= 0 ? null
      : r.tokensEntree / 1e6 * v.prixEntree + r.tokensSortie / 1e6 * v.prixSortie;
    r.heures = v.documents * v.duree / 1000 / 3600;
    r.energieKwh = v.puissance * r.heures * v.pue / 1000;
    r.emissionsG = r.energieKwh * v.intensite;
    r.coutMachine = v.prixHeure === null ? null : r.heures * v.prixHeure;
    r.coutElectricite = v.prixKwh === null ? null : r.energieKwh * v.prixKwh;
    var nombres = [r.tokensEntree, r.tokensSortie, r.coutApi, r.heures, r.energieKwh, r.emissionsG,
                   r.coutMachine, r.coutElectricite];
    if (nombres.some(function (x) { return x !== null && (!isFinite(x) || x > 1e18); })) {
      return { erreurs: { documents: "Ces valeurs dépassent ce que le calcul peut représenter." } };
    }
    return r;
  }

  function nombre(x, decimales) {
    return new Intl.NumberFormat("fr-FR", { maximumSignificantDigits: decimales || 3 }).format(x);
  }

  // Une quantité avec l'unité la plus lisible : 0,0122 kWh -> « 12,2 Wh ».
  function energie(kwh) { return kwh >= 1 ? nombre(kwh) + "\u00a0kWh" : nombre(kwh * 1000) + "\u00a0Wh"; }
  function emissions(g) {
    return g >= 1000 ? nombre(g / 1000) + "\u00a0kg\u00a0CO₂eq" : g >= 1 ? nombre(g) + "\u00a0g\u00a0CO₂eq"
      : nombre(g * 1000) + "\u00a0mg\u00a0CO₂eq";
  }
  function euros(x) { return new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(x); }

  // ---- La page ------------------------------------------------------------------------------

  function brancher(doc) {
    var racine = doc.querySelector("[data-outil='couts']");
    var source = doc.getElementById("couts-donnees");
    if (!racine || !source) return;
    var donnees = JSON.parse(source.textContent);
    var form = racine.querySelector("form");
    var champ = function (nom) { return form.elements[nom]; };
    var presets = {};
    donnees.mesures.forEach(function (m) { presets[m.id] = m; });
    var sortie = racine.querySelector("[data-resultat]");

    function appliquerPreset() {
      var m = presets[champ("mesure").value];
      if (!m) return;
      champ("duree").value = String(m.duree).replace(".", ",");
      champ("puissance").value = String(donnees.hypotheses.puissance).replace(".", ",");
      champ("pue").value = String(donnees.hypotheses.pue).replace(".", ",");
    }

    function mettreAJour() {
      var e = {};
      Array.prototype.forEach.call(form.elements, function (el) { if (el.name) e[el.name] = el.value; });
      var r = calculer(e);
      Array.prototype.forEach.call(form.elements, function (el) {
        if (!el.name) return;
        var zone = doc.getElementById("couts-erreur-" + el.name);
        if (zone) zone.textContent = r.erreurs[el.name] || "";
        if (r.erreurs[el.name]) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
      });
      var n = Object.keys(r.erreurs).length;
      if (n) {
        sortie.textContent = "Le calcul attend des valeurs valides\u202f: " + n +
          (n > 1 ? " champs sont à corriger." : " champ est à corriger.");
        return;
      }
      var manque = "non calculé\u202f: indiquez le prix, avec sa source et sa date";
      var sansTokens = r.tokensEntree === null || r.tokensSortie === null;
      var lignes = [
        ["Tokens à envoyer", sansTokens ? "non calculé\u202f: indiquez les tokens par document"
          : nombre(r.tokensEntree) + " en entrée, " + nombre(r.tokensSortie) + " en sortie"],
        ["Coût par une API", r.coutApi !== null ? euros(r.coutApi) : sansTokens ? "non calculé\u202f: indiquez les tokens et les prix" : manque],
        ["Heures de calcul", nombre(r.heures)],
        ["Énergie", energie(r.energieKwh)],
        ["Émissions", emissions(r.emissionsG)],
        ["Coût de la machine", r.coutMachine === null ? manque : euros(r.coutMachine)],
        ["Coût de l'électricité", r.coutElectricite === null ? manque : euros(r.coutElectricite)]
      ];
      sortie.innerHTML = "<dl>" + lignes.map(function (l) { return "<dt>" + l[0] + "</dt><dd>" + l[1] + "</dd>"; }).join("") + "</dl>";
    }

    champ("mesure").addEventListener("change", function () { appliquerPreset(); mettreAJour(); });
    form.addEventListener("input", function (ev) { if (ev.target.name !== "mesure") mettreAJour(); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); mettreAJour(); });
    racine.hidden = false;
    champ("intensite").value = String(donnees.hypotheses.intensite).replace(".", ",");
    appliquerPreset();
    mettreAJour();
  }

  return { calculer: calculer, energie: energie, emissions: emissions, brancher: brancher };
});
