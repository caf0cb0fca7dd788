/* Calculateur de coût et d'énergie (production/couts.md).

   One definition of the formulas, used by the page and by tests/test_outils.py (run with node). The
   presets are the fil rouge's measured durations (notebook 8's results), embedded by hooks/outils.py
   with notebook 8's stated power and carbon intensity. No price is filled in: a price is the reader's,
   dated and sourced. Nothing is stored or sent. Numbers are read by commun.js, loaded before.
   Reasoning (« thinking ») tokens are billed as output tokens: they are added to the output tokens. */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("couts",
  typeof module === "object" ? module : null, function (commun) {
  "use strict";

  /* La règle de chaque champ (commun.lireNombre). Facultatifs : ce qui en dépend n'est pas calculé tant
     qu'ils sont vides (un nombre de tokens se mesure avec le tokenizer du modèle, un prix se date).
     Au-delà de `max`, la valeur est mise en doute, pas calculée. */
  var REGLES = {
    documents: { entier: true, positif: true, max: 1e9, unite: "documents" },
    tokensEntree: { facultatif: true, entier: true, max: 1e7, unite: "tokens par document" },
    tokensSortie: { facultatif: true, entier: true, max: 1e7, unite: "tokens par document" },
    tokensRaisonnement: { facultatif: true, entier: true, max: 1e7, unite: "tokens par document" },
    prixEntree: { facultatif: true, max: 1e5, unite: "€" },
    prixSortie: { facultatif: true, max: 1e5, unite: "€" },
    duree: { positif: true, max: 1e7, unite: "secondes" },
    puissance: { positif: true, max: 1e6, unite: "W" },
    pue: { min: 1, messageMin: "Le PUE vaut au moins 1 (1\u202f: aucune consommation en plus du matériel).", max: 10 },
    intensite: { max: 2000, unite: "g CO₂eq par kWh" },
    prixHeure: { facultatif: true, max: 1e5, unite: "€" },
    prixKwh: { facultatif: true, max: 100, unite: "€" }
  };

  /* e : saisies brutes. duree : secondes pour 1 000 documents ; puissance : W ; pue : sans unité ;
     intensite : g CO2eq par kWh ; prix en euros (par million de tokens, par heure, par kWh). */
  function calculer(e) {
    var lu = commun.lireChamps(e, REGLES, Object.keys(REGLES)), v = lu.valeurs;
    if (Object.keys(lu.erreurs).length) return { erreurs: lu.erreurs };
    var r = { erreurs: {} };
    r.tokensEntree = v.tokensEntree === null ? null : v.documents * v.tokensEntree;
    r.tokensRaisonnement = v.documents * (v.tokensRaisonnement || 0);  // empty: none
    // Billed as output tokens: the visible answer plus the reasoning.
    r.tokensSortie = v.tokensSortie === null ? null : v.documents * v.tokensSortie + r.tokensRaisonnement;
    r.coutApi = [r.tokensEntree, r.tokensSortie, v.prixEntree, v.prixSortie].indexOf(null) >= 0 ? null
      : r.tokensEntree / 1e6 * v.prixEntree + r.tokensSortie / 1e6 * v.prixSortie;
    r.heures = v.documents * v.duree / 1000 / 3600;
    r.energieKwh = v.puissance * r.heures * v.pue / 1000;
    r.emissionsG = r.energieKwh * v.intensite;
    r.coutMachine = v.prixHeure === null ? null : r.heures * v.prixHeure;
    r.coutElectricite = v.prixKwh === null ? null : r.energieKwh * v.prixKwh;
    var nombres = [r.tokensEntree, r.tokensSortie, r.coutApi, r.heures, r.energieKwh, r.emissionsG,
                   r.coutMachine, r.coutElectricite];
    if (nombres.some(function (x) { return x !== null && (!isFinite(x) || x > 1e18); })) {  // not reachable within the bounds
      return { erreurs: { documents: "Avec ce volume, les résultats dépassent ce que le calcul peut représenter\u202f: " +
        "réduisez le nombre de documents." } };
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
      champ("duree").value = commun.ecrire(m.duree);
      champ("puissance").value = commun.ecrire(donnees.hypotheses.puissance);
      champ("pue").value = commun.ecrire(donnees.hypotheses.pue);
    }

    function mettreAJour() {
      var r = calculer(commun.saisies(form));
      if (commun.afficherErreurs(doc, form, "couts", r.erreurs, sortie)) return;
      var manque = "non calculé\u202f: indiquez le prix, avec sa source et sa date";
      var sansTokens = r.tokensEntree === null || r.tokensSortie === null;
      var lignes = [
        ["Tokens à envoyer", sansTokens ? "non calculé\u202f: indiquez les tokens par document"
          : nombre(r.tokensEntree) + " en entrée, " + nombre(r.tokensSortie) + " en sortie" +
            (r.tokensRaisonnement ? " (dont " + nombre(r.tokensRaisonnement) + " de raisonnement)" : "")],
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
    champ("intensite").value = commun.ecrire(donnees.hypotheses.intensite);
    appliquerPreset();
    mettreAJour();
  }

  return { REGLES: REGLES, calculer: calculer, energie: energie, emissions: emissions, brancher: brancher };
});
