/* Calculateur de mémoire (production/infrastructure-minimale.md).

   One definition of the formulas, used by the page (the form below) and by the tests
   (tests/test_outils.py runs `calculer` with node). The presets (models, hardware) come from
   includes/outils/memoire.json, embedded in the page by hooks/outils.py: nothing is fetched,
   nothing is stored. 1 Go = 10^9 octets, as in the page's text. Numbers are read by commun.js, loaded before. */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("memoire",
  typeof module === "object" ? module : null, function (commun) {
  "use strict";

  // Octets par valeur. Le 4 bits ajoute une échelle (16 bits par défaut) par groupe de poids.
  var OCTETS = { fp32: 4, bf16: 2, fp8: 1, int8: 1, int4: 0.5 };
  // Fine-tuning complet avec Adam en précision mixte : 2 (poids BF16) + 2 (gradients) + 12 (copie FP32, deux moments).
  var OCTETS_ADAM = 16;

  function octetsParParametre(precision, groupe, bitsEchelle) {
    if (precision === "int4") return (4 + bitsEchelle / groupe) / 8;
    return OCTETS[precision];
  }

  /* Octets du cache KV pour UNE requête de `contexte` tokens.
     - mha / gqa : 2 (clés et valeurs) × couches × têtes KV × dimension de tête × octets, par token ;
     - mla : couches × (rang latent + dimension RoPE) × octets, par token (un seul vecteur latent, pas de facteur 2) ;
     - fenetre : les couches à fenêtre glissante ne gardent que les `fenetre` derniers tokens. */
  function cacheKvRequete(a, contexte, octetsKv) {
    if (a.type === "mla") return a.couches * (a.rangLatent + a.dimRope) * octetsKv * contexte;
    var parCouche = 2 * a.tetesKv * a.dimTete * octetsKv;
    if (a.type === "fenetre") {
      var globales = a.couches - a.couchesFenetre;
      return parCouche * (globales * contexte + a.couchesFenetre * Math.min(contexte, a.fenetre));
    }
    return parCouche * a.couches * contexte;
  }

  var CHAMPS_ATTENTION = {
    mha: ["couches", "tetesKv", "dimTete"],
    gqa: ["couches", "tetesKv", "dimTete"],
    mla: ["couches", "rangLatent", "dimRope"],
    fenetre: ["couches", "tetesKv", "dimTete", "couchesFenetre", "fenetre"]
  };
  /* La règle de chaque champ (commun.lireNombre) : au-delà de `max`, la valeur est mise en doute, pas calculée. */
  var REGLES = {
    parametres: { positif: true, max: 10000, messageMax: "Plus de 10\u202f000\u00a0milliards de paramètres\u202f: " +
      "ce champ attend des milliards (8 pour un modèle de 8\u00a0milliards). Vérifiez la saisie\u202f; le calcul s'arrête à 10\u202f000." },
    couches: { entier: true, positif: true, max: 1000, unite: "couches" },
    tetesKv: { entier: true, positif: true, max: 1024, unite: "têtes" },
    dimTete: { entier: true, positif: true, max: 16384 },
    rangLatent: { entier: true, positif: true, max: 65536 },
    dimRope: { entier: true, positif: true, max: 16384 },
    couchesFenetre: { entier: true, max: 1000, unite: "couches" },
    fenetre: { entier: true, positif: true, max: 10000000, unite: "tokens" },
    contexte: { entier: true, positif: true, max: 10000000, unite: "tokens" },
    requetes: { entier: true, positif: true, max: 100000, unite: "requêtes" },
    groupe: { entier: true, positif: true, max: 1000000 },
    bitsEchelle: { entier: true, positif: true, max: 64, unite: "bits" },
    marge: { max: 100, messageMax: "La marge s'exprime en pourcentage, entre 0 et 100." }
  };

  /* Lit et vérifie les saisies. `e` : valeurs brutes (chaînes ou nombres). Renvoie {valeurs, erreurs},
     erreurs = {champ: message en français}. Aucun calcul n'est fait tant qu'une erreur reste. */
  function verifier(e) {
    var attention = e.attention || "gqa";
    var mode = e.mode || "inference";
    var champs = ["parametres", "marge"].concat(CHAMPS_ATTENTION[attention] || []);
    if (mode === "inference") champs.push("contexte", "requetes");  // the KV cache: inference only
    if ((mode === "inference" && e.precision === "int4") || mode === "qlora") champs.push("groupe", "bitsEchelle");
    var lu = commun.lireChamps(e, REGLES, champs), v = lu.valeurs, erreurs = lu.erreurs;
    if (!erreurs.couchesFenetre && !erreurs.couches && v.couchesFenetre > v.couches) {
      erreurs.couchesFenetre = "Il ne peut pas y avoir plus de couches à fenêtre que de couches (" + v.couches + ").";
    }
    var max = e.contexteMax || 0;  // the preset's, a number
    if (!erreurs.contexte && max > 0 && v.contexte > max) {
      erreurs.contexte = "Ce modèle accepte au plus " + nombre(max, 0) + " tokens de contexte.";
    }
    if (!OCTETS[e.precision]) erreurs.precision = "Choisissez une précision des poids.";
    if (!OCTETS[e.precisionKv]) erreurs.precisionKv = "Choisissez une précision du cache.";
    if (!CHAMPS_ATTENTION[attention]) erreurs.attention = "Choisissez un type d'attention.";
    return { valeurs: v, erreurs: erreurs };
  }

  /* Le calcul. Renvoie {erreurs} si une saisie est invalide, sinon les octets de chaque poste. */
  function calculer(e) {
    var lu = verifier(e);
    if (Object.keys(lu.erreurs).length) return { erreurs: lu.erreurs };
    var v = lu.valeurs, mode = e.mode || "inference";
    var n = v.parametres * 1e9;
    var a = { type: e.attention || "gqa", couches: v.couches, tetesKv: v.tetesKv, dimTete: v.dimTete,
              rangLatent: v.rangLatent, dimRope: v.dimRope, couchesFenetre: v.couchesFenetre, fenetre: v.fenetre };
    var octetsKv = OCTETS[e.precisionKv];
    var oPoids = mode === "inference" ? octetsParParametre(e.precision, v.groupe, v.bitsEchelle) : null;
    var poids, kv = 0;
    if (mode === "complet") poids = n * OCTETS_ADAM;
    else if (mode === "lora") poids = n * OCTETS.bf16;
    else if (mode === "qlora") poids = n * octetsParParametre("int4", v.groupe, v.bitsEchelle);
    else poids = n * oPoids;
    var kvParToken = cacheKvRequete(a, 1, octetsKv);
    // Beyond a sliding window, only the global layers still grow: that is the cost of one more token.
    var kvParTokenAuDela = a.type === "fenetre" ? cacheKvRequete(a, a.fenetre + 1, octetsKv) - cacheKvRequete(a, a.fenetre, octetsKv) : null;
    var kvRequete = mode === "inference" ? cacheKvRequete(a, v.contexte, octetsKv) : 0;
    if (mode === "inference") kv = kvRequete * v.requetes;
    var sousTotal = poids + kv;
    var total = sousTotal * (1 + v.marge / 100);
    if (!isFinite(total) || total > 1e18) {  // only the KV cache can get there within the fields' bounds
      var trop = "Avec ces valeurs, le cache KV dépasserait un milliard de Go\u202f: ";
      return { erreurs: kvRequete * (1 + v.marge / 100) > 1e18
        ? { contexte: trop + "réduisez les tokens par requête." }
        : { requetes: trop + "réduisez le nombre de requêtes simultanées." } };
    }
    return { erreurs: {}, mode: mode, octetsParParametre: oPoids, poids: poids, kv: kv, kvParToken: kvParToken,
             kvParTokenAuDela: kvParTokenAuDela, fenetre: a.type === "fenetre" ? v.fenetre : null,
             contexte: mode === "inference" ? v.contexte : null, sousTotal: sousTotal, total: total };
  }

  function nombre(x, decimales) {
    return new Intl.NumberFormat("fr-FR", { maximumFractionDigits: decimales }).format(x);
  }

  // En Go (10^9 octets), comme le texte du guide : 2 décimales sous 10 Go, 1 sous 100 Go, 0 au-delà.
  function go(octets) {
    var g = octets / 1e9;
    return nombre(g, g < 10 ? 2 : g < 100 ? 1 : 0) + "\u00a0Go";
  }

  /* « 128 Kio par token » ; avec une fenêtre glissante dépassée, ce que coûte un token avant et après elle. */
  function parToken(r) {
    var kio = function (o) { return nombre(o / 1024, 1) + "\u00a0Kio par token"; };
    if (r.fenetre === null || r.contexte <= r.fenetre) return kio(r.kvParToken);
    return kio(r.kvParToken) + " pour les " + nombre(r.fenetre, 0) + " premiers, puis " +
      (r.kvParTokenAuDela > 0 ? kio(r.kvParTokenAuDela) : "plus rien") + " au-delà de la fenêtre";
  }

  /* Matériels où le total tient : [{nom, memoireGo, convient}]. */
  function materiels(total, liste) {
    return liste.map(function (m) {
      return { id: m.id, nom: m.nom, memoireGo: m.memoireGo, convient: total <= m.memoireGo * 1e9 };
    });
  }

  // ---- La page ------------------------------------------------------------------------------

  function brancher(doc) {
    var racine = doc.querySelector("[data-outil='memoire']");
    var source = doc.getElementById("memoire-donnees");
    if (!racine || !source) return;
    var donnees = JSON.parse(source.textContent);
    var form = racine.querySelector("form");
    var champ = function (nom) { return form.elements[nom]; };
    var modeles = {};
    donnees.modeles.forEach(function (m) { modeles[m.id] = m; });

    function afficherChamps() {
      var type = champ("attention").value, mode = champ("mode").value;
      racine.querySelectorAll("[data-pour-attention]").forEach(function (bloc) {
        bloc.hidden = bloc.getAttribute("data-pour-attention").split(" ").indexOf(type) < 0;
      });
      racine.querySelectorAll("[data-pour-precision]").forEach(function (bloc) {
        bloc.hidden = !((mode === "inference" && champ("precision").value === "int4") || mode === "qlora");
      });
      racine.querySelectorAll("[data-pour-mode]").forEach(function (bloc) {
        bloc.hidden = bloc.getAttribute("data-pour-mode").split(" ").indexOf(mode) < 0;
      });
    }

    function appliquerPreset() {
      var m = modeles[champ("modele").value];
      if (!m) return;
      ["parametres", "attention", "couches", "tetesKv", "dimTete", "rangLatent", "dimRope",
       "couchesFenetre", "fenetre"].forEach(function (nom) {
        if (m[nom] !== undefined) champ(nom).value = typeof m[nom] === "number" ? commun.ecrire(m[nom]) : m[nom];
      });
    }

    function saisies() {
      var e = commun.saisies(form);
      var m = modeles[e.modele];
      e.contexteMax = m ? m.contexteMax : 0;
      return e;
    }

    var sortie = racine.querySelector("[data-resultat]");
    function mettreAJour() {
      afficherChamps();
      var r = calculer(saisies());
      if (commun.afficherErreurs(doc, form, "memoire", r.erreurs, sortie)) return;
      var lignes = [["Poids", go(r.poids)]];
      if (r.mode === "inference") lignes.push(["Cache KV", go(r.kv) + " (" + parToken(r) + ")"]);
      lignes.push(["Sous-total", go(r.sousTotal)], ["Total avec la marge", go(r.total)]);
      var html = "<dl>" + lignes.map(function (l) { return "<dt>" + l[0] + "</dt><dd>" + l[1] + "</dd>"; }).join("") + "</dl>";
      if (r.mode !== "inference") html += "<p>Les activations, qui dépendent de la longueur des exemples et de la taille des lots, ne sont pas comptées.</p>";
      var liste = materiels(r.total, donnees.materiels);
      html += "<p>Matériel dont la mémoire suffit\u202f:</p><ul>" + liste.map(function (m) {
        return "<li>" + m.nom + " (" + nombre(m.memoireGo, 0) + "\u00a0Go)\u202f: " + (m.convient ? "oui" : "non") + "</li>";
      }).join("") + "</ul>";
      sortie.innerHTML = html;
    }

    champ("modele").addEventListener("change", function () { appliquerPreset(); mettreAJour(); });
    form.addEventListener("input", function (ev) { if (ev.target.name !== "modele") mettreAJour(); });
    form.addEventListener("change", function (ev) { if (ev.target.name !== "modele") mettreAJour(); });
    form.addEventListener("submit", function (ev) { ev.preventDefault(); mettreAJour(); });
    racine.hidden = false;
    appliquerPreset();
    mettreAJour();
  }

  return { OCTETS: OCTETS, REGLES: REGLES, octetsParParametre: octetsParParametre, cacheKvRequete: cacheKvRequete,
           verifier: verifier, calculer: calculer, go: go, parToken: parToken, materiels: materiels, brancher: brancher };
});
