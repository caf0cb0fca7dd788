/* Le dossier du projet : le moteur des règles, sans rien toucher à la page.

   Les règles sont les données de includes/dossier/questionnaire.yml, que hooks/dossier.py vérifie et publie
   en JSON (boite-a-outils/dossier-du-projet/questionnaire.json). Les conditions (`si`, `valeur`) s'écrivent en
   JSON Logic et sont évaluées par json-logic-js (npm, servi par le site : assets/vendor/json-logic-js/logic.js,
   à charger avant ce fichier ; sous node, require). Ce fichier ne contient aucune règle de droit.

   `reponses` : {idQuestion: valeur}, la valeur étant un texte, « oui », « non » ou « ne-sais-pas », la valeur
   d'une option, ou une liste de valeurs d'options (choix multiple).

   - questionsPosees(regles, reponses) : les ids des questions posées, dans l'ordre. Une question est posée
     si elle n'a pas de `si`, ou si son `si` est vrai ; il lit les réponses déjà données, une question sautée
     ou sans réponse se lisant null, « ne-sais-pas » tel quel.
   - evaluer(regles, reponses) : {conclusions: [{id, statut, manquantes}], incoherences: [{id, message}],
     nonRepondues: [ids]}. Rien ne se conclut d'une question posée restée sans réponse (ou « ne-sais-pas ») :
     si la condition d'une conclusion a besoin de sa valeur, la conclusion est « indeterminee » et la question
     figure dans `manquantes`. Une question sautée se lit null. Pour ne pas dépendre de l'ordre des termes
     d'un « or » ou d'un « and », le moteur essaie toutes les valeurs possibles des questions inconnues
     qu'il rencontre (oui et non, chaque option…) : si toutes donnent le même résultat, la conclusion est
     tranchée ; sinon, ou si une question inconnue n'a pas de valeurs en nombre fini (texte, choix multiple à
     plus de cinq options), elle est indéterminée. Une incohérence n'est signalée que si elle est certaine.
   - remplissage(regles, reponses, nomDocument) : {rubriques: [{rubrique, texte}], cases: [textes des cases
     cochées]} pour le modèle includes/modeles/<nomDocument>.md ; une rubrique au texte vide est omise, une
     case dont la condition est indéterminée n'est pas cochée. */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("dossier-regles",
  typeof module === "object" ? module : null, function () {
  "use strict";

  var NE_SAIS_PAS = "ne-sais-pas";
  var MAX_OPTIONS_MULTIPLES = 5;   // au-delà, un choix multiple inconnu n'est pas énuméré (2^5 = 32 essais)
  var MAX_ESSAIS = 2048;           // par condition

  function logique() {
    if (typeof jsonLogic === "object" && jsonLogic) return jsonLogic;  // eslint-disable-line no-undef
    return require("json-logic-js");
  }

  function questions(regles) {
    var liste = [];
    (regles.sections || []).forEach(function (s) { (s.questions || []).forEach(function (q) { liste.push(q); }); });
    return liste;
  }

  function index(regles) {
    var parId = {};
    questions(regles).forEach(function (q) { parId[q.id] = q; });
    return parId;
  }

  function vide(valeur) {
    return valeur === undefined || valeur === null || (typeof valeur === "string" && valeur.trim() === "") ||
      (Array.isArray(valeur) && valeur.length === 0);
  }

  function vrai(valeur) { return logique().truthy(valeur); }

  /* Les questions posées, dans l'ordre, et les valeurs que lisent les `si` qui suivent. */
  function parcourir(regles, reponses) {
    reponses = reponses || {};
    var donnees = {}, posees = [];
    questions(regles).forEach(function (q) { donnees[q.id] = null; });
    questions(regles).forEach(function (q) {
      if (q.si !== undefined && !vrai(logique().apply(q.si, donnees))) return;
      posees.push(q.id);
      donnees[q.id] = vide(reponses[q.id]) ? null : reponses[q.id];
    });
    return { posees: posees, donnees: donnees };
  }

  function questionsPosees(regles, reponses) { return parcourir(regles, reponses).posees; }

  /* Les valeurs possibles d'une question inconnue, ou null si on ne peut pas les énumérer. */
  function candidats(q) {
    if (q.type === "oui-non") return ["oui", "non"];
    var valeurs = (q.options || []).map(function (o) { return o.valeur; });
    if (q.type === "choix") return valeurs;
    if (q.type === "choix-multiple" && valeurs.length <= MAX_OPTIONS_MULTIPLES) {
      var parties = [];
      for (var masque = 0; masque < (1 << valeurs.length); masque++) {
        parties.push(valeurs.filter(function (v, i) { return masque & (1 << i); }));
      }
      return parties;
    }
    return null;
  }

  function Inconnue(id) { this.id = id; }

  /* La valeur de `condition` quand les questions inconnues valent `hypotheses`. Les données se calculent à
     la demande : lire une question évalue son `si` (par ces mêmes données), et lire une question posée dont
     la valeur est inconnue lève Inconnue(id). */
  function calculer(condition, regles, parId, reponses, hypotheses) {
    var cache = {};
    function valeur(id) {
      if (Object.prototype.hasOwnProperty.call(cache, id)) return cache[id];
      var q = parId[id], v = null;
      if (q && (q.si === undefined || vrai(logique().apply(q.si, donnees)))) {
        if (Object.prototype.hasOwnProperty.call(hypotheses, id)) v = hypotheses[id];
        else if (vide(reponses[id]) || reponses[id] === NE_SAIS_PAS) throw new Inconnue(id);
        else v = reponses[id];
      }
      cache[id] = v;
      return v;
    }
    var donnees = new Proxy({}, {
      get: function (cible, cle) { return typeof cle === "string" && parId[cle] ? valeur(cle) : undefined; },
      has: function (cible, cle) { return Boolean(parId[cle]); }
    });
    return vrai(logique().apply(condition, donnees));
  }

  /* {statut, manquantes} d'une condition. */
  function trancher(condition, regles, parId, reponses) {
    if (condition === undefined) return { statut: "s-applique", manquantes: [] };
    var resultats = {}, rencontrees = {}, essais = 0, indecidable = false;
    (function explorer(hypotheses) {
      if (indecidable) return;
      if (++essais > MAX_ESSAIS) { indecidable = true; return; }
      try {
        resultats[calculer(condition, regles, parId, reponses, hypotheses)] = true;
      } catch (e) {
        if (!(e instanceof Inconnue)) throw e;
        rencontrees[e.id] = true;
        var possibles = candidats(parId[e.id]);
        if (!possibles) { indecidable = true; return; }
        possibles.forEach(function (v) {
          var suite = Object.assign({}, hypotheses);
          suite[e.id] = v;
          explorer(suite);
        });
      }
    })({});
    var issues = Object.keys(resultats);
    if (indecidable || issues.length !== 1) {
      return { statut: "indeterminee", manquantes: questions(regles).map(function (q) { return q.id; })
        .filter(function (id) { return rencontrees[id]; }) };
    }
    return { statut: issues[0] === "true" ? "s-applique" : "ne-s-applique-pas", manquantes: [] };
  }

  function evaluer(regles, reponses) {
    reponses = reponses || {};
    var parId = index(regles);
    var conclusions = (regles.conclusions || []).map(function (c) {
      var t = trancher(c.si, regles, parId, reponses);
      return { id: c.id, statut: t.statut, manquantes: t.manquantes };
    });
    var incoherences = (regles.incoherences || []).filter(function (i) {
      return trancher(i.si, regles, parId, reponses).statut === "s-applique";
    }).map(function (i) { return { id: i.id, message: i.message }; });
    var nonRepondues = parcourir(regles, reponses).posees.filter(function (id) { return vide(reponses[id]); });
    return { conclusions: conclusions, incoherences: incoherences, nonRepondues: nonRepondues };
  }

  function remplissage(regles, reponses, nomDocument) {
    reponses = reponses || {};
    var parId = index(regles), donnees = parcourir(regles, reponses).donnees;
    var document = ((regles.documents || {})[nomDocument]) || { remplir: [] };
    var rubriques = [], cases = [];
    (document.remplir || []).forEach(function (r) {
      if (r.rubrique !== undefined) {
        var texte = logique().apply(r.valeur, donnees);
        if (Array.isArray(texte)) texte = texte.join(", ");
        if (texte === NE_SAIS_PAS) texte = "";
        texte = texte === null || texte === undefined ? "" : String(texte).trim();
        if (texte) rubriques.push({ rubrique: r.rubrique, texte: texte });
      } else if (r.case !== undefined) {
        if (trancher(r.si, regles, parId, reponses).statut === "s-applique") cases.push(r.case);
      }
    });
    return { rubriques: rubriques, cases: cases };
  }

  return { questionsPosees: questionsPosees, evaluer: evaluer, remplissage: remplissage, NE_SAIS_PAS: NE_SAIS_PAS };
});
