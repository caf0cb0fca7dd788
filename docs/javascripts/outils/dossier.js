/* « Constituer le dossier du projet » (docs/boite-a-outils/dossier-du-projet.md) : la page.

   The rules are not here. They live in includes/dossier/questionnaire.yml, which hooks/dossier.py checks
   and publishes next to the page as questionnaire.json ; dossier-regles.js (loaded before this file) says
   which questions are asked, what applies and what to write in each template. This file only draws the
   questionnaire, shows the result, saves and reloads the answers and fills the templates :
   - the questionnaire, section by section (<fieldset>/<legend>), each question with its help, its article
     and its chapter, tied by aria-describedby ; a skipped question is hidden, its answer ignored ;
   - the result, redrawn on each `change` (not on each keystroke) ; only its one-line summary is a live
     region, so a screen reader hears « 3 obligations, 2 questions sans réponse », not the whole result ;
   - the answers file : {format, outil: "kallm-dossier", enregistre_le, reponses}. A file is checked whole
     before anything changes : a bad one gives a French message (role="alert") and the page keeps its answers ;
   - the templates : the very .docx and .odt that the Boîte à outils publishes (their links are in the
     page's table of sheets, which is also what a reader without JavaScript gets), opened with JSZip (loaded
     from assets/vendor/ on the first download), each `rubrique` written in the second cell of its row and
     each `case` ticked (☐ → ☒, the box modele.lua writes), nothing else added.
   Nothing is sent or stored : the files are made in the page and downloaded. */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("dossier",
  typeof module === "object" ? module : null, function () {
  "use strict";

  var OUTIL = "kallm-dossier";
  var OUI_NON = [{ valeur: "oui", libelle: "Oui" }, { valeur: "non", libelle: "Non" },
                 { valeur: "ne-sais-pas", libelle: "Je ne sais pas" }];
  var GROUPES = [
    { cle: "arret", titre: "Ce qui arrête le projet" },
    { cle: "obligation", titre: "Les obligations qui s'appliquent" },
    { cle: "information", titre: "À savoir" },
    { cle: "indeterminee", titre: "Ce qui reste à trancher" }
  ];
  var CLES_FICHIER = ["format", "outil", "enregistre_le", "reponses"];
  var NS = {
    w: "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    table: "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    text: "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
  };
  var FORMATS = {
    docx: { fichier: "word/document.xml", ligne: [NS.w, "tr"], cellule: [NS.w, "tc"], paragraphe: [NS.w, "p"],
            type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
    odt: { fichier: "content.xml", ligne: [NS.table, "table-row"], cellule: [NS.table, "table-cell"],
           paragraphe: [NS.text, "p"], type: "application/vnd.oasis.opendocument.text" }
  };

  // ---- What does not need the page (also run by node) ---------------------------------------------

  /* A text as the templates and the rules may write it : non-breaking spaces, non-breaking hyphens
     (modele.lua), Markdown emphasis and links of a template's source all read the same. */
  function normaliser(texte) {
    return String(texte || "")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[*_`]/g, "")
      .replace(/[\u00a0\u202f\u2009\s]+/g, " ").replace(/\u2011/g, "-").replace(/^[☐☒]\s*/, "").trim();
  }

  function questionsParId(regles) {
    var index = {};
    (regles.sections || []).forEach(function (section) {
      (section.questions || []).forEach(function (q) { index[q.id] = q; });
    });
    return index;
  }

  function optionsDe(question) {
    return question.type === "oui-non" ? OUI_NON : (question.options || []);
  }

  /* Is `valeur` an answer `question` can take ? null if it is, else what is wrong (French). */
  function valeurInvalide(question, valeur) {
    var permises = optionsDe(question).map(function (o) { return String(o.valeur); });
    if (question.type === "texte") return typeof valeur === "string" ? null : "un texte est attendu";
    if (question.type === "choix-multiple") {
      if (!Array.isArray(valeur)) return "une liste de choix est attendue";
      var hors = valeur.filter(function (v) { return permises.indexOf(String(v)) < 0; });
      return hors.length ? "« " + hors.join(" », « ") + " » ne fait pas partie des choix" : null;
    }
    if (typeof valeur !== "string" || permises.indexOf(valeur) < 0) {
      return "« " + (typeof valeur === "string" ? valeur : JSON.stringify(valeur)) + " » ne fait pas partie des réponses (" +
        permises.join(", ") + ")";
    }
    return null;
  }

  /* The text of a saved answers file -> {reponses} or {erreur: French message}. Checked whole : the
     caller changes nothing on an error. */
  function lireFichier(texte, regles) {
    var donnees;
    try { donnees = JSON.parse(texte); } catch (e) {
      return { erreur: "Ce fichier n'est pas un fichier de réponses\u202f: son contenu n'est pas du JSON lisible. " +
        "Choisissez le fichier .json enregistré par le bouton «\u00a0Enregistrer les réponses\u00a0»." };
    }
    if (!donnees || typeof donnees !== "object" || Array.isArray(donnees) || donnees.outil !== OUTIL) {
      return { erreur: "Ce fichier JSON ne vient pas de cet outil\u202f: il y manque la marque «\u00a0outil\u00a0: " + OUTIL +
        "\u00a0». Choisissez le fichier enregistré par le bouton «\u00a0Enregistrer les réponses\u00a0» de cette page." };
    }
    var format = donnees.format, acceptes = regles.formats_acceptes || [regles.format];
    if (typeof format !== "number" || Math.floor(format) !== format) {
      return { erreur: "Ce fichier n'indique pas de version de format lisible (clé «\u00a0format\u00a0», un nombre entier)." };
    }
    if (format > regles.format) {
      return { erreur: "Ce fichier vient d'une version plus récente de l'outil (format " + format + ")\u202f; cette page lit " +
        "le format " + regles.format + ". Ouvrez la dernière version du guide pour le charger." };
    }
    if (acceptes.indexOf(format) < 0) {
      return { erreur: "Ce fichier vient d'une ancienne version de l'outil (format " + format + "), que cette version ne " +
        "sait plus lire (formats lus\u202f: " + acceptes.join(", ") + "). Répondez de nouveau au questionnaire, puis enregistrez." };
    }
    var inconnues = Object.keys(donnees).filter(function (cle) { return CLES_FICHIER.indexOf(cle) < 0; });
    if (inconnues.length) {
      return { erreur: "Ce fichier contient des clés que l'outil ne connaît pas\u202f: " + inconnues.join(", ") +
        ". Rien n'a été chargé." };
    }
    var reponses = donnees.reponses;
    if (!reponses || typeof reponses !== "object" || Array.isArray(reponses)) {
      return { erreur: "Ce fichier n'a pas de réponses lisibles (clé «\u00a0reponses\u00a0»). Rien n'a été chargé." };
    }
    var index = questionsParId(regles);
    var ids = Object.keys(reponses);
    var absentes = ids.filter(function (id) { return !index[id]; });
    if (absentes.length) {
      return { erreur: "Ce fichier répond à des questions que l'outil ne connaît pas\u202f: " + absentes.join(", ") +
        ". Rien n'a été chargé." };
    }
    for (var i = 0; i < ids.length; i += 1) {
      var probleme = valeurInvalide(index[ids[i]], reponses[ids[i]]);
      if (probleme) {
        return { erreur: "Réponse impossible à la question «\u00a0" + index[ids[i]].libelle + "\u00a0» (" + ids[i] + ")\u202f: " +
          probleme + ". Rien n'a été chargé." };
      }
    }
    return { reponses: reponses, enregistreLe: donnees.enregistre_le };
  }

  function fichierReponses(regles, reponses, maintenant) {
    return JSON.stringify({ format: regles.format, outil: OUTIL, enregistre_le: maintenant.toISOString(),
                            reponses: reponses }, null, 2) + "\n";
  }

  /* The documents the result calls for, in the order of the conclusions. */
  function documentsDemandes(regles, evaluation) {
    var definitions = {}, noms = [];
    (regles.conclusions || []).forEach(function (c) { definitions[c.id] = c; });
    evaluation.conclusions.forEach(function (c) {
      if (c.statut !== "s-applique") return;
      ((definitions[c.id] || {}).documents || []).forEach(function (nom) { if (noms.indexOf(nom) < 0) noms.push(nom); });
    });
    return noms;
  }

  // ---- Filling a template (the document's XML, parsed by DOMParser) -------------------------------

  function par(element, ns) { return Array.prototype.slice.call(element.getElementsByTagNameNS(ns[0], ns[1])); }

  function noeudsTexte(element) {
    var liste = [];
    (function parcourir(n) {
      for (var c = n.firstChild; c; c = c.nextSibling) {
        if (c.nodeType === 3) liste.push(c); else parcourir(c);
      }
    })(element);
    return liste;
  }

  /* Writes `texte` (lines kept) in the first paragraph of `cellule`, in place of what it held. */
  function ecrireCellule(doc, cellule, texte, format) {
    var p = par(cellule, FORMATS[format].paragraphe)[0];
    if (!p) return false;
    var lignes = String(texte).split(/\r?\n/);
    if (format === "docx") {
      Array.prototype.slice.call(p.childNodes).forEach(function (n) {
        if (n.localName !== "pPr") p.removeChild(n);
      });
      lignes.forEach(function (ligne, i) {
        if (i) { var saut = doc.createElementNS(NS.w, "w:r"); saut.appendChild(doc.createElementNS(NS.w, "w:br")); p.appendChild(saut); }
        var r = doc.createElementNS(NS.w, "w:r"), t = doc.createElementNS(NS.w, "w:t");
        t.setAttributeNS("http://www.w3.org/XML/1998/namespace", "xml:space", "preserve");
        t.textContent = ligne;
        r.appendChild(t);
        p.appendChild(r);
      });
    } else {
      while (p.firstChild) p.removeChild(p.firstChild);
      lignes.forEach(function (ligne, i) {
        if (i) p.appendChild(doc.createElementNS(NS.text, "text:line-break"));
        p.appendChild(doc.createTextNode(ligne));
      });
    }
    return true;
  }

  /* The template's XML with `remplissage` applied -> {xml, manquants: [rubriques or cases not found]}. */
  function remplirXml(xml, remplissage, format) {
    var f = FORMATS[format];
    var doc = new DOMParser().parseFromString(xml, "application/xml");
    var manquants = [];
    var lignes = par(doc, f.ligne);
    (remplissage.rubriques || []).forEach(function (r) {
      var cible = normaliser(r.rubrique), trouvee = false;
      lignes.forEach(function (ligne) {
        var cellules = Array.prototype.filter.call(ligne.childNodes, function (n) {
          return n.namespaceURI === f.cellule[0] && n.localName === f.cellule[1];
        });
        if (!trouvee && cellules.length >= 2 && normaliser(cellules[0].textContent) === cible && r.texte !== "" &&
            r.texte !== null && r.texte !== undefined) {
          trouvee = ecrireCellule(doc, cellules[1], r.texte, format);
        } else if (cellules.length >= 2 && normaliser(cellules[0].textContent) === cible) {
          trouvee = true;
        }
      });
      if (!trouvee) manquants.push(r.rubrique);
    });
    var paragraphes = par(doc, f.paragraphe);
    (remplissage.cases || []).forEach(function (texteCase) {
      var cible = normaliser(texteCase);
      var p = paragraphes.filter(function (x) {
        return /^\s*☐/.test(x.textContent) && normaliser(x.textContent) === cible;
      })[0];
      if (!p) { manquants.push(texteCase); return; }
      var noeud = noeudsTexte(p).filter(function (n) { return n.nodeValue.indexOf("☐") >= 0; })[0];
      noeud.nodeValue = noeud.nodeValue.replace("☐", "☒");
    });
    return { xml: new XMLSerializer().serializeToString(doc), manquants: manquants };
  }

  /* A template file (ArrayBuffer) filled -> Promise of {blob, manquants}. */
  function remplirFichier(JSZip, donnees, remplissage, format) {
    var f = FORMATS[format];
    return JSZip.loadAsync(donnees).then(function (zip) {
      return zip.file(f.fichier).async("string").then(function (xml) {
        var rempli = remplirXml(xml, remplissage, format);
        zip.file(f.fichier, rempli.xml);
        if (format === "odt" && zip.file("mimetype")) {
          // ODF: « mimetype » stays the first entry, stored uncompressed.
          return zip.file("mimetype").async("string").then(function (m) {
            zip.file("mimetype", m, { compression: "STORE" });
            return { zip: zip, manquants: rempli.manquants };
          });
        }
        return { zip: zip, manquants: rempli.manquants };
      });
    }).then(function (r) {
      return r.zip.generateAsync({ type: "blob", mimeType: f.type, compression: "DEFLATE" }).then(function (blob) {
        return { blob: blob, manquants: r.manquants };
      });
    });
  }

  // ---- The page ------------------------------------------------------------------------------

  function el(doc, nom, attributs, enfants) {
    var e = doc.createElement(nom);
    Object.keys(attributs || {}).forEach(function (cle) {
      if (attributs[cle] === null || attributs[cle] === undefined || attributs[cle] === false) return;
      if (cle === "texte") e.textContent = attributs[cle];
      else e.setAttribute(cle, attributs[cle] === true ? "" : attributs[cle]);
    });
    (enfants || []).forEach(function (enfant) {
      if (enfant) e.appendChild(typeof enfant === "string" ? doc.createTextNode(enfant) : enfant);
    });
    return e;
  }

  /* A chapter of the rules (« ethique/cadre-juridique.md#ancre ») as a link from this page. */
  function lienChapitre(chapitre) {
    if (!chapitre) return null;
    if (/^(https?:|\.\.\/|\/)/.test(chapitre)) return chapitre;
    var m = /^([^#]*?)(?:(?:^|\/)index)?\.md(#.*)?$/.exec(chapitre);
    if (!m) return chapitre;
    return "../../" + (m[1] ? m[1] + "/" : "") + (m[2] || "");
  }

  function dateFr(iso) {
    var d = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!d) return iso;
    var mois = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"][parseInt(d[2], 10) - 1];
    var jour = parseInt(d[3], 10);
    return (jour === 1 ? "1er" : String(jour)) + "\u00a0" + mois + "\u00a0" + d[1];
  }

  /* A conclusion's obligations as hooks/dossier.py resolves them from includes/obligations.yml:
     {article, obligation, date (ISO), date_fr, url}. `aujourdhui` (AAAA-MM-JJ) says whether it applies yet. */
  function obligationsDe(conclusion, aujourdhui) {
    return (conclusion.obligations || []).filter(function (o) { return o && typeof o === "object" && o.date; })
      .map(function (o) {
        return { article: o.article || o.id, obligation: o.obligation || "", url: o.url || null,
                 quand: (o.date <= aujourdhui ? "applicable depuis le " : "applicable à partir du ") + (o.date_fr || dateFr(o.date)) };
      });
  }

  function brancher(doc) {
    var racine = doc.getElementById("kallm-dossier");
    var moteur = typeof self === "object" ? (self.kallmDossierRegles || self["kallmDossier-regles"]) : null;
    if (!racine || !moteur) return;
    var source = racine.getAttribute("data-regles") || "questionnaire.json";
    fetch(source).then(function (r) {
      if (!r.ok) throw new Error(r.status + " " + source);
      return r.json();
    }).then(function (regles) { monter(doc, racine, regles, moteur); }).catch(function (e) {
      var message = doc.getElementById("kallm-dossier-chargement");
      if (!message) return;
      // Only the message shows: the fiches below stay, to fill in by hand.
      Array.prototype.forEach.call(racine.children, function (enfant) { enfant.hidden = enfant !== message; });
      // The offline edition opened from a folder (file://): browsers do not let a page read its own files.
      var depuisUnDossier = doc.location && doc.location.protocol === "file:";
      message.textContent = (depuisUnDossier ?
        "Ouverte depuis un dossier, la page ne peut pas lire le questionnaire\u202f: dans le dossier de l'édition " +
        "hors ligne, lancez «\u00a0python -m http.server\u00a0», puis ouvrez http://localhost:8000/boite-a-outils/dossier-du-projet/." :
        "Le questionnaire n'a pas pu être chargé (" + e.message + ").") +
        " Les fiches restent téléchargeables plus bas, à remplir à la main.";
      racine.hidden = false;
    });
  }

  function monter(doc, racine, regles, moteur) {
    var index = questionsParId(regles);
    var conclusionsParId = {};
    (regles.conclusions || []).forEach(function (c) { conclusionsParId[c.id] = c; });
    var form = doc.getElementById("kallm-dossier-form");
    var alerte = doc.getElementById("kallm-dossier-alerte");
    var etat = doc.getElementById("kallm-dossier-etat");
    var synthese = doc.getElementById("kallm-dossier-synthese");
    var zoneResultat = doc.getElementById("kallm-dossier-resultat");
    var zoneDocuments = doc.getElementById("kallm-dossier-documents");
    var fiches = doc.querySelector(".kallm-dossier-fiches");
    var entete = doc.getElementById("kallm-dossier-entete");
    var blocs = {};

    // The questionnaire.
    (regles.sections || []).forEach(function (section) {
      var fs = el(doc, "fieldset", { "class": "kallm-dossier-section", id: "kallm-dossier-s-" + section.id },
                  [el(doc, "legend", { texte: section.titre })]);
      (section.questions || []).forEach(function (q) { blocs[q.id] = question(doc, q); fs.appendChild(blocs[q.id]); });
      form.appendChild(fs);
    });
    doc.getElementById("kallm-dossier-chargement").remove();

    function question(doc, q) {
      var id = "kallm-dossier-q-" + q.id, idAide = id + "-aide";
      var aide = el(doc, "p", { "class": "kallm-dossier-aide", id: idAide }, [q.aide || ""]);
      if (q.article || q.chapitre_url || q.chapitre) {
        var ref = el(doc, "span", { "class": "kallm-dossier-article" }, [q.article ? " Texte\u202f: " + q.article + "." : ""]);
        if (q.chapitre_url || q.chapitre) {
          ref.appendChild(doc.createTextNode(" "));
          ref.appendChild(el(doc, "a", { href: q.chapitre_url || lienChapitre(q.chapitre), texte: "Voir le chapitre" }));
          ref.appendChild(doc.createTextNode("."));
        }
        aide.appendChild(ref);
      }
      var bloc;
      if (q.type === "texte") {
        bloc = el(doc, "div", { "class": "kallm-dossier-question", id: id, "data-question": q.id }, [
          el(doc, "label", { "for": id + "-champ", texte: q.libelle }), aide,
          el(doc, "textarea", { id: id + "-champ", name: q.id, rows: 3, "aria-describedby": idAide })]);
      } else {
        var multiple = q.type === "choix-multiple";
        bloc = el(doc, "fieldset", { "class": "kallm-dossier-question", id: id, "data-question": q.id,
                                     "aria-describedby": idAide }, [el(doc, "legend", { texte: q.libelle }), aide]);
        optionsDe(q).forEach(function (o, i) {
          var idOption = id + "-" + i;
          bloc.appendChild(el(doc, "div", { "class": "kallm-choix" }, [
            el(doc, "input", { type: multiple ? "checkbox" : "radio", id: idOption, name: q.id, value: o.valeur }),
            el(doc, "label", { "for": idOption, texte: o.libelle })]));
        });
      }
      return bloc;
    }

    // The answers as the form holds them (skipped questions included : their value is kept, not used).
    function toutesReponses() {
      var r = {};
      Object.keys(index).forEach(function (id) {
        var q = index[id];
        var champs = form.querySelectorAll('[name="' + id + '"]');
        if (q.type === "texte") {
          var t = champs[0].value.trim();
          if (t) r[id] = t;
        } else if (q.type === "choix-multiple") {
          var coches = Array.prototype.filter.call(champs, function (c) { return c.checked; }).map(function (c) { return c.value; });
          if (coches.length) r[id] = coches;
        } else {
          var choisi = Array.prototype.filter.call(champs, function (c) { return c.checked; })[0];
          if (choisi) r[id] = choisi.value;
        }
      });
      return r;
    }

    // The answers that count : those of the questions asked now.
    function reponses() {
      var toutes = toutesReponses(), posees = moteur.questionsPosees(regles, toutes), r = {};
      posees.forEach(function (id) { if (toutes[id] !== undefined) r[id] = toutes[id]; });
      return r;
    }

    function appliquer(valeurs) {
      Object.keys(index).forEach(function (id) {
        var q = index[id], v = valeurs[id];
        var champs = form.querySelectorAll('[name="' + id + '"]');
        Array.prototype.forEach.call(champs, function (c) {
          if (q.type === "texte") c.value = typeof v === "string" ? v : "";
          else if (q.type === "choix-multiple") c.checked = Array.isArray(v) && v.map(String).indexOf(c.value) >= 0;
          else c.checked = v !== undefined && String(v) === c.value;
        });
      });
    }

    var derniere = null;

    function lienQuestion(id) {
      return el(doc, "a", { href: "#kallm-dossier-q-" + id, texte: index[id] ? index[id].libelle : id });
    }

    function conclusionHtml(c, resultat) {
      var def = conclusionsParId[c.id] || { titre: c.id };
      var art = el(doc, "article", { "class": "kallm-dossier-conclusion kallm-dossier-" + (def.niveau || "information"),
                                     "data-conclusion": c.id, "data-statut": c.statut });
      art.appendChild(el(doc, "h4", { texte: def.titre }));
      if (def.texte) art.appendChild(el(doc, "p", { texte: def.texte }));
      var details = el(doc, "ul", { "class": "kallm-dossier-refs" });
      if (def.article) details.appendChild(el(doc, "li", {}, ["Texte\u202f: " + def.article]));
      obligationsDe(def, new Date().toISOString().slice(0, 10)).forEach(function (o) {
        details.appendChild(el(doc, "li", { "class": "kallm-dossier-date" }, [
          o.url ? el(doc, "a", { href: o.url, texte: o.article }) : o.article,
          (o.obligation ? "\u202f: " + o.obligation : "") + " — " + o.quand + "."]));
      });
      if (def.chapitre_url || def.chapitre) {
        details.appendChild(el(doc, "li", {}, [el(doc, "a", { href: def.chapitre_url || lienChapitre(def.chapitre),
                                                              texte: "Le chapitre qui l'explique" })]));
      }
      if (c.statut === "indeterminee" && (c.manquantes || []).length) {
        var manque = el(doc, "li", {}, ["Pour conclure, répondez à\u202f: "]);
        c.manquantes.forEach(function (id, i) {
          if (i) manque.appendChild(doc.createTextNode(", "));
          manque.appendChild(lienQuestion(id));
        });
        details.appendChild(manque);
      }
      if (details.childNodes.length) art.appendChild(details);
      return art;
    }

    function pluriel(n, un, plusieurs) { return n + "\u00a0" + (n > 1 ? plusieurs : un); }

    function evaluer() {
      var r = reponses(), toutes = toutesReponses();
      var posees = moteur.questionsPosees(regles, toutes);
      Object.keys(blocs).forEach(function (id) { blocs[id].hidden = posees.indexOf(id) < 0; });
      var resultat = moteur.evaluer(regles, r);
      var groupes = { arret: [], obligation: [], information: [], indeterminee: [] };
      var sansObjet = [];
      resultat.conclusions.forEach(function (c) {
        var niveau = (conclusionsParId[c.id] || {}).niveau || "information";
        if (c.statut === "s-applique") (groupes[niveau] || groupes.information).push(c);
        else if (c.statut === "indeterminee") groupes.indeterminee.push(c);
        else sansObjet.push(c);
      });
      while (zoneResultat.firstChild) zoneResultat.removeChild(zoneResultat.firstChild);
      var aucune = !Object.keys(r).length;
      if (resultat.incoherences.length) {
        var inco = el(doc, "div", { "class": "kallm-dossier-incoherences" },
                      [el(doc, "h3", { texte: "Des réponses se contredisent" })]);
        var ul = el(doc, "ul");
        resultat.incoherences.forEach(function (i) { ul.appendChild(el(doc, "li", { "data-incoherence": i.id, texte: i.message })); });
        inco.appendChild(ul);
        zoneResultat.appendChild(inco);
      }
      GROUPES.forEach(function (g) {
        if (!groupes[g.cle].length) return;
        var bloc = el(doc, "section", { "class": "kallm-dossier-groupe", "data-groupe": g.cle }, [el(doc, "h3", { texte: g.titre })]);
        var contenu = bloc;
        if (g.cle === "indeterminee") {
          // Before any answer, everything is still to decide: the list stays folded.
          contenu = el(doc, "details", { open: !aucune }, [el(doc, "summary", {
            texte: pluriel(groupes.indeterminee.length, "conclusion attend", "conclusions attendent") + " vos réponses" })]);
          bloc.appendChild(contenu);
        }
        groupes[g.cle].forEach(function (c) { contenu.appendChild(conclusionHtml(c, resultat)); });
        zoneResultat.appendChild(bloc);
      });
      if (sansObjet.length) {
        var det = el(doc, "details", { "class": "kallm-dossier-sans-objet" },
                     [el(doc, "summary", { texte: "Ce qui ne s'applique pas d'après vos réponses (" + sansObjet.length + ")" })]);
        var liste = el(doc, "ul");
        sansObjet.forEach(function (c) {
          liste.appendChild(el(doc, "li", { "data-conclusion": c.id, "data-statut": c.statut,
                                            texte: (conclusionsParId[c.id] || { titre: c.id }).titre }));
        });
        det.appendChild(liste);
        zoneResultat.appendChild(det);
      }
      if (resultat.nonRepondues.length && !aucune) {
        var nr = el(doc, "div", { "class": "kallm-dossier-non-repondues" }, [
          el(doc, "h3", { texte: "Questions sans réponse" }),
          el(doc, "p", { texte: "Rien n'est conclu de ces questions tant qu'elles n'ont pas de réponse." })]);
        var l = el(doc, "ul");
        resultat.nonRepondues.forEach(function (id) { l.appendChild(el(doc, "li", { "data-question": id }, [lienQuestion(id)])); });
        nr.appendChild(l);
        zoneResultat.appendChild(nr);
      }
      afficherDocuments(documentsDemandes(regles, resultat));
      var parties = [
        [groupes.arret.length, "point d'arrêt", "points d'arrêt"],
        [resultat.incoherences.length, "contradiction", "contradictions"],
        [groupes.obligation.length, "obligation", "obligations"],
        [groupes.indeterminee.length, "point à trancher", "points à trancher"],
        [resultat.nonRepondues.length, "question sans réponse", "questions sans réponse"]
      ].filter(function (p) { return p[0] > 0; }).map(function (p) { return pluriel(p[0], p[1], p[2]); });
      var texte = "Résultat\u202f: " + (parties.length ? parties.join(", ") : "aucune obligation relevée") +
        (resultat.nonRepondues.length ? "." : "\u202f; toutes les questions posées ont une réponse.");
      if (aucune) texte = "Aucune réponse pour l'instant\u202f: le résultat se construit au fil de vos réponses.";
      if (texte !== derniere) { synthese.textContent = texte; derniere = texte; }
      return resultat;
    }

    // The documents : the table of sheets (also the page without JavaScript) gives each file's link and title.
    function modele(nom) {
      var liens = fiches ? fiches.querySelectorAll("a[href]") : [];
      var trouve = {};
      Array.prototype.forEach.call(liens, function (a) {
        var chemin = new URL(a.getAttribute("href"), doc.baseURI).pathname;
        ["docx", "odt"].forEach(function (format) {
          if (chemin.slice(-(nom.length + format.length + 2)) === "/" + nom + "." + format) {
            trouve[format] = a.href;
            trouve.titre = a.closest("tr") ? a.closest("tr").querySelector("td").textContent.trim() : nom;
          }
        });
      });
      return trouve.docx ? trouve : null;
    }

    function afficherDocuments(noms) {
      while (zoneDocuments.firstChild) zoneDocuments.removeChild(zoneDocuments.firstChild);
      if (!noms.length) {
        zoneDocuments.appendChild(el(doc, "p", { texte: "Aucun document n'est demandé pour l'instant\u202f: répondez au questionnaire." }));
        return;
      }
      var ul = el(doc, "ul", { "class": "kallm-dossier-liste-documents" });
      noms.forEach(function (nom) {
        var m = modele(nom);
        if (!m) { ul.appendChild(el(doc, "li", { texte: nom + "\u202f: modèle introuvable dans le tableau des fiches." })); return; }
        var li = el(doc, "li", { "data-document": nom }, [el(doc, "span", { "class": "kallm-dossier-titre", texte: m.titre })]);
        ["docx", "odt"].forEach(function (format, i) {
          if (!m[format]) return;
          var b = el(doc, "button", { type: "button", "class": "kallm-bouton", "data-format": format,
                                      texte: format.toUpperCase() + (format === "docx" ? " (Word)" : " (LibreOffice)") });
          b.setAttribute("aria-label", b.textContent + "\u202f: «\u00a0" + m.titre + "\u00a0» prérempli");
          b.addEventListener("click", function () { telechargerDocument(nom, m, format); });
          li.appendChild(b);
        });
        ul.appendChild(li);
      });
      zoneDocuments.appendChild(ul);
    }

    var jszip = null;
    function chargerJSZip() {
      if (typeof JSZip === "function") return Promise.resolve(JSZip);
      if (!jszip) {
        jszip = new Promise(function (ok, echec) {
          var s = doc.createElement("script");
          s.src = racine.getAttribute("data-jszip");
          s.onload = function () { ok(JSZip); };
          s.onerror = function () { jszip = null; echec(new Error("JSZip n'a pas pu être chargé")); };
          doc.head.appendChild(s);
        });
      }
      return jszip;
    }

    function fabriquer(nom, m, format) {
      return Promise.all([chargerJSZip(), fetch(m[format]).then(function (r) {
        if (!r.ok) throw new Error("le modèle " + nom + "." + format + " est introuvable (" + r.status + ")");
        return r.arrayBuffer();
      })]).then(function (deux) {
        return remplirFichier(deux[0], deux[1], moteur.remplissage(regles, reponses(), nom), format);
      });
    }

    function proposer(blob, nomFichier) {
      var url = URL.createObjectURL(blob);
      var a = el(doc, "a", { href: url, download: nomFichier, hidden: true });
      doc.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
    }

    function signaler(message) { alerte.textContent = message; etat.textContent = ""; }
    function informer(message) { etat.textContent = message; alerte.textContent = ""; }

    function telechargerDocument(nom, m, format) {
      fabriquer(nom, m, format).then(function (r) {
        proposer(r.blob, nom + "-prerempli." + format);
        informer("«\u00a0" + m.titre + "\u00a0» prérempli est téléchargé (" + format.toUpperCase() + ")." +
          (r.manquants.length ? " Rubriques non trouvées dans le modèle\u202f: " + r.manquants.join("\u202f; ") + "." : ""));
      }).catch(function (e) { signaler("Le document n'a pas pu être préparé\u202f: " + e.message + "."); });
    }

    function toutTelecharger() {
      var noms = documentsDemandes(regles, moteur.evaluer(regles, reponses()));
      var travaux = [];
      noms.forEach(function (nom) {
        var m = modele(nom);
        if (!m) return;
        ["docx", "odt"].forEach(function (format) {
          if (m[format]) travaux.push(fabriquer(nom, m, format).then(function (r) { return [nom + "-prerempli." + format, r.blob]; }));
        });
      });
      Promise.all([chargerJSZip()].concat(travaux)).then(function (tous) {
        var Z = tous[0], zip = new Z();
        tous.slice(1).forEach(function (f) { zip.file(f[0], f[1]); });
        zip.file("reponses-dossier.json", fichierReponses(regles, reponses(), new Date()));
        return zip.generateAsync({ type: "blob", mimeType: "application/zip" });
      }).then(function (blob) {
        proposer(blob, "dossier-du-projet.zip");
        informer("Le dossier est téléchargé\u202f: " + pluriel(noms.length, "document", "documents") +
          " en DOCX et en ODT, et le fichier de vos réponses.");
      }).catch(function (e) { signaler("Le dossier n'a pas pu être préparé\u202f: " + e.message + "."); });
    }

    // Buttons.
    doc.getElementById("kallm-dossier-enregistrer").addEventListener("click", function () {
      proposer(new Blob([fichierReponses(regles, reponses(), new Date())], { type: "application/json" }),
               "reponses-dossier.json");
      informer("Vos réponses sont enregistrées dans le fichier «\u00a0reponses-dossier.json\u00a0» de vos téléchargements.");
    });
    var choisir = doc.getElementById("kallm-dossier-fichier");
    doc.getElementById("kallm-dossier-charger").addEventListener("click", function () { choisir.click(); });
    choisir.addEventListener("change", function () {
      var fichier = choisir.files && choisir.files[0];
      if (!fichier) return;
      var lecteur = new FileReader();
      lecteur.onload = function () {
        var lu = lireFichier(String(lecteur.result), regles);
        choisir.value = "";
        if (lu.erreur) { signaler(lu.erreur + " Vos réponses sur la page n'ont pas changé."); return; }
        appliquer(lu.reponses);
        evaluer();
        informer("Réponses chargées depuis «\u00a0" + fichier.name + "\u00a0»" +
          (lu.enregistreLe ? ", enregistrées le " + dateFr(String(lu.enregistreLe)) : "") + ".");
      };
      lecteur.onerror = function () { signaler("Ce fichier n'a pas pu être lu. Vos réponses sur la page n'ont pas changé."); };
      lecteur.readAsText(fichier);
    });
    doc.getElementById("kallm-dossier-tout").addEventListener("click", toutTelecharger);
    doc.getElementById("kallm-dossier-imprimer").addEventListener("click", function () {
      doc.body.classList.add("kallm-impression-dossier");  // extra.css: the result alone on paper
      var r = reponses();
      entete.textContent = "Projet\u202f: " + (r.finalite || "finalité non renseignée") + (r.service ? " (" + r.service + ")" : "") +
        ". Résultat établi le " + dateFr(new Date().toISOString()) + " avec «\u00a0Constituer le dossier du projet\u00a0» du " +
        "guide KALLM, à faire relire par le service juridique, le DPO et le RSSI\u202f: ce n'est pas un avis juridique.";
      window.print();
    });
    window.addEventListener("afterprint", function () { doc.body.classList.remove("kallm-impression-dossier"); });
    form.addEventListener("change", evaluer);
    form.addEventListener("submit", function (e) { e.preventDefault(); });

    racine.hidden = false;
    evaluer();
    racine.kallm = { reponses: reponses, appliquer: appliquer, evaluer: evaluer };  // for the tests
  }

  return { brancher: brancher, lireFichier: lireFichier, fichierReponses: fichierReponses, normaliser: normaliser,
           valeurInvalide: valeurInvalide, documentsDemandes: documentsDemandes, obligationsDe: obligationsDe,
           remplirXml: remplirXml };
});
