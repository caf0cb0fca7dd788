/* Ce que partagent les outils interactifs (docs/javascripts/outils/*.js), en un seul endroit.

   - `outil(nom, module, fabrique)` : the one preamble. In the browser, overrides/main.html loads this
     file before each tool's script (only on a page that carries a tool); the tool is then `window.kallm<Nom>`
     and plugs itself into the page at DOMContentLoaded. Under node (tests/test_outils.py), the tool's file
     requires this one and exports its functions.
   - `lireNombre(brut, regle)` : the one reader of a number typed by a reader, for every tool. The rules
     (also in production/infrastructure-minimale.md, « Calculer pour votre modèle ») :
       · the comma is the decimal separator (« 1,5 ») ; a single point is read the same way (« 8.5 », as an
         English document writes it) ;
       · thousands are grouped by three with a space, ordinary, non-breaking or narrow (« 8 192 ») ;
       · a single comma or point followed by exactly three digits after 1 to 3 digits (« 1,000 », « 8.192 »)
         is ambiguous (thousands in English, decimals in French) : refused, with a message that says how
         to write either ;
       · several commas or points (« 1,000,000 »), an exponent (« 1e6 »), a hexadecimal (« 0x10 ») or letters
         are refused ;
     then the field's rule : required or not, integer, above zero, bounds (a value beyond `max` is
     questioned in words, never computed).
     includes/outils/nombres.json lists typed strings and what they must give ; the tests run it here
     (node) and in the page (Chromium).
   - `afficherErreurs` : each message under its field, with aria-invalid, and the count in the result. */
(function (racine) {
  "use strict";

  var MESSAGES = {
    vide: "Indiquez une valeur.",
    format: "Saisissez un nombre écrit en chiffres, par exemple 8\u202f192 ou 0,5.",
    exposant: "Écrivez tous les chiffres, sans exposant\u202f: 1\u202f000\u202f000 plutôt que 1e6.",
    separateurs: "Séparez les milliers par une espace (1\u202f000\u202f000), pas par une virgule ni un point\u202f; " +
      "la virgule sert aux décimales (0,5).",
    groupes: "Groupez les chiffres par trois, en partant de la droite\u202f: 8\u202f192 ou 1\u202f000\u202f000.",
    ambigu: "Ambigu\u202f: milliers ou décimales\u202f? Pour les milliers, mettez une espace (8\u202f192)\u202f; pour des " +
      "décimales, mettez après la virgule un nombre de chiffres autre que trois (8,19 ou 8,1920).",
    grand: "Ce nombre est trop grand pour être calculé.",
    negatif: "La valeur ne peut pas être négative.",
    zero: "La valeur doit être supérieure à zéro.",
    entier: "Saisissez un nombre entier."
  };

  function nombreFr(x) { return new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 3 }).format(x); }

  /* Le texte tapé -> {valeur: nombre} | {vide: true} | {erreur: message}. Un nombre (donné par un
     programme, pas tapé) est pris tel quel s'il est fini. */
  function lireTexte(brut) {
    if (brut === undefined || brut === null) return { vide: true };
    if (typeof brut === "number") return isFinite(brut) ? { valeur: brut } : { erreur: MESSAGES.grand };
    var texte = String(brut).replace(/[\u0020\u00a0\u202f\u2009\t]+/g, " ").trim().replace(/^\u2212/, "-");
    if (texte === "") return { vide: true };
    var signe = /^[-+]/.test(texte) ? texte.charAt(0) : "";
    var corps = texte.slice(signe.length).trim();
    if (/^\d[\d ]*([.,]\d*)?[eE][-+]?\d+$/.test(corps)) return { erreur: MESSAGES.exposant };
    if (!/^[\d ,.]+$/.test(corps) || !/\d/.test(corps)) return { erreur: MESSAGES.format };
    var separateurs = corps.replace(/[^,.]/g, "");
    if (separateurs.length > 1) return { erreur: MESSAGES.separateurs };
    var i = corps.search(/[,.]/);
    var entier = i < 0 ? corps : corps.slice(0, i), decimales = i < 0 ? "" : corps.slice(i + 1);
    if (/ /.test(decimales)) return { erreur: MESSAGES.format };
    if (/ /.test(entier) && !/^\d{1,3}( \d{3})+$/.test(entier)) return { erreur: MESSAGES.groupes };
    entier = entier.replace(/ /g, "");
    if (decimales.length === 3 && /^[1-9]\d{0,2}$/.test(entier)) return { erreur: MESSAGES.ambigu };
    var n = Number((signe === "-" ? "-" : "") + (entier || "0") + "." + (decimales || "0"));
    if (!isFinite(n)) return { erreur: MESSAGES.grand };
    return { valeur: n === 0 ? 0 : n };  // « -0 » is zero
  }

  /* regle : {facultatif, entier, positif (> 0), min, messageMin, max, unite, messageMax}.
     Renvoie {valeur} (null pour un champ facultatif vide) ou {erreur}. */
  function lireNombre(brut, regle) {
    regle = regle || {};
    var lu = lireTexte(brut);
    if (lu.vide) return regle.facultatif ? { valeur: null } : { erreur: MESSAGES.vide };
    if (lu.erreur) return lu;
    var n = lu.valeur;
    if (n < 0) return { erreur: MESSAGES.negatif };
    if (regle.positif && n === 0) return { erreur: MESSAGES.zero };
    if (regle.entier && Math.floor(n) !== n) return { erreur: MESSAGES.entier };
    if (regle.min !== undefined && n < regle.min) return { erreur: regle.messageMin || MESSAGES.negatif };
    if (regle.max !== undefined && n > regle.max) {
      return { erreur: regle.messageMax || ("Plus de " + nombreFr(regle.max) + (regle.unite ? "\u00a0" + regle.unite : "") +
        "\u202f: la valeur paraît invraisemblable, vérifiez la saisie. Le calcul s'arrête à " + nombreFr(regle.max) + ".") };
    }
    return { valeur: n };
  }

  /* Un nombre écrit pour un champ (préréglages) : virgule décimale, milliers groupés, et jamais trois
     décimales tout juste (« 7,125 » serait refusé comme ambigu : « 7,1250 »). */
  function ecrire(x) {
    var texte = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 6 }).format(x).replace(/[\u00a0\u202f]/g, "\u202f");
    return /^[1-9]\d{0,2},\d{3}$/.test(texte) ? texte + "0" : texte;
  }

  /* Les champs `noms` de la saisie brute `e`, chacun selon sa règle -> {valeurs, erreurs}. */
  function lireChamps(e, regles, noms) {
    var valeurs = {}, erreurs = {};
    noms.forEach(function (nom) {
      var lu = lireNombre(e[nom], regles[nom]);
      if (lu.erreur) erreurs[nom] = lu.erreur; else valeurs[nom] = lu.valeur;
    });
    return { valeurs: valeurs, erreurs: erreurs };
  }

  // ---- La page ------------------------------------------------------------------------------

  /* Les valeurs brutes du formulaire, par nom de champ. */
  function saisies(form) {
    var e = {};
    Array.prototype.forEach.call(form.elements, function (el) { if (el.name) e[el.name] = el.value; });
    return e;
  }

  /* Chaque message sous son champ (#<prefixe>-erreur-<nom>), aria-invalid sur le champ ; s'il reste des
     erreurs, la zone de résultat le dit. Renvoie le nombre de champs en erreur. */
  function afficherErreurs(doc, form, prefixe, erreurs, sortie) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name) return;
      var zone = doc.getElementById(prefixe + "-erreur-" + el.name);
      var message = erreurs[el.name];
      if (zone) zone.textContent = message || "";
      if (message) el.setAttribute("aria-invalid", "true"); else el.removeAttribute("aria-invalid");
    });
    var n = Object.keys(erreurs).length;
    if (n) {
      sortie.textContent = "Le calcul attend des valeurs valides\u202f: " + n +
        (n > 1 ? " champs sont à corriger." : " champ est à corriger.");
    }
    return n;
  }

  var commun = { MESSAGES: MESSAGES, lireTexte: lireTexte, lireNombre: lireNombre, lireChamps: lireChamps, ecrire: ecrire, saisies: saisies,
                 afficherErreurs: afficherErreurs, outil: outil };

  /* Le préambule de chaque outil : `nom` (« memoire »), le `module` de node (ou rien dans la page), et la
     fabrique qui reçoit ces fonctions communes et renvoie celles de l'outil. */
  function outil(nom, moduleNode, fabrique) {
    var m = fabrique(commun);
    if (moduleNode && typeof moduleNode === "object" && moduleNode.exports) {
      moduleNode.exports = m;
    } else if (racine) {
      racine["kallm" + nom.charAt(0).toUpperCase() + nom.slice(1)] = m;
      if (typeof document !== "undefined" && m.brancher) {
        document.addEventListener("DOMContentLoaded", function () { m.brancher(document); });
      }
    }
    return m;
  }

  if (typeof module === "object" && module.exports) module.exports = commun;
  else racine.kallmCommun = commun;
})(typeof self !== "undefined" ? self : this);
