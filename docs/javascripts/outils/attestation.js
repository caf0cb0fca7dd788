/* Parcours de lecture « maîtrise de l'IA » et attestation (hooks/quiz.py writes the steps and the form).

   Each step gets a « Fait » checkbox. The reader may choose to keep ticks and quiz results in this
   browser's localStorage (key CLE, written only after the reader ticks « Garder ma progression »;
   quiz.js adds quiz results to it only when it exists); « Effacer » removes it. The attestation holds
   what the reader did and nothing else: the role, the steps ticked, the quizzes' recorded results,
   the date. « Enregistrer en PDF » is window.print(). Nothing is ever sent: no fetch, no XHR.
   `composer` (the attestation's content) is exported for node (tests/test_outils.py). */
(typeof kallmCommun === "object" ? kallmCommun : require("./commun.js")).outil("attestation",
  typeof module === "object" ? module : null, function () {
  "use strict";

  var CLE = "kallm-progression";

  /* role : {nom, etapes: [{id, titre, minutes, quiz, questions}]} ; faits : {id d'étape: true} ;
     quiz : {nom de quiz: {id de question: true si juste}} ; date : texte.
     Renvoie {role, date, lignes: [{titre, minutes, fait, quiz, score}], minutes} : seules les étapes
     cochées comptent comme faites, et un score n'apparaît que s'il a été enregistré. */
  function composer(role, faits, quiz, date) {
    var lignes = role.etapes.map(function (e) {
      var ligne = { titre: e.titre, minutes: e.minutes, fait: faits[e.id] === true, quiz: e.quiz || null, score: null };
      var resultats = e.quiz && quiz[e.quiz];
      if (resultats) {
        var ids = Object.keys(resultats);
        if (ids.length) {
          ligne.score = {
            justes: ids.filter(function (q) { return resultats[q] === true; }).length,
            verifiees: ids.length,
            questions: e.questions
          };
        }
      }
      return ligne;
    });
    var minutes = lignes.reduce(function (s, l) { return s + (l.fait ? l.minutes : 0); }, 0);
    return { role: role.nom, date: date, lignes: lignes, minutes: minutes };
  }

  function texteScore(score) {
    if (!score) return "";
    return score.justes + " bonne(s) réponse(s) sur " + score.questions + " questions (" +
      score.verifiees + " vérifiée(s))";
  }

  function lireStockage(stockage) {
    try {
      var brut = stockage && stockage.getItem(CLE);
      return brut ? JSON.parse(brut) : null;
    } catch (erreur) {
      return null;
    }
  }

  function ecrireStockage(stockage, donnees) {
    try { stockage.setItem(CLE, JSON.stringify(donnees)); } catch (erreur) { /* stockage refusé */ }
  }

  function brancher(doc, fenetre) {
    fenetre = fenetre || doc.defaultView;
    var bloc = doc.querySelector("[data-attestation]");
    var stockage = null;
    try { stockage = fenetre.localStorage; } catch (erreur) { stockage = null; }
    var cases = Array.prototype.slice.call(doc.querySelectorAll("[data-fait]"));
    doc.querySelectorAll(".kallm-fait").forEach(function (s) { s.hidden = false; });
    var memoire = lireStockage(stockage);
    if (memoire) {
      cases.forEach(function (c) { c.checked = !!(memoire.etapes || {})[c.getAttribute("data-fait")]; });
    }
    function sauver() {
      var donnees = lireStockage(stockage);
      if (!donnees) return;
      donnees.etapes = {};
      cases.forEach(function (c) { if (c.checked) donnees.etapes[c.getAttribute("data-fait")] = true; });
      ecrireStockage(stockage, donnees);
    }
    cases.forEach(function (c) {
      c.addEventListener("change", function () {
        cases.forEach(function (autre) {  // the same step in another role's list: same page, same tick
          if (autre !== c && autre.getAttribute("data-fait") === c.getAttribute("data-fait")) autre.checked = c.checked;
        });
        sauver();
      });
    });
    if (!bloc) return;
    bloc.hidden = false;
    var memoriser = bloc.querySelector("[data-memoriser]");
    var etat = bloc.querySelector("[data-etat-stockage]");
    memoriser.checked = !!memoire;
    memoriser.disabled = !stockage;
    function effacer(message) {
      try { stockage.removeItem(CLE); } catch (erreur) { /* rien à effacer */ }
      memoriser.checked = false;
      etat.textContent = message;
    }
    memoriser.addEventListener("change", function () {
      if (memoriser.checked) {
        ecrireStockage(stockage, { etapes: {}, quiz: {} });
        sauver();
        etat.textContent = "Votre progression est gardée dans ce navigateur, et nulle part ailleurs.";
      } else {
        effacer("Votre progression enregistrée est effacée.");
      }
    });
    bloc.querySelector("[data-effacer]").addEventListener("click", function () {
      effacer("Votre progression enregistrée est effacée.");
    });
    bloc.querySelector("[data-preparer]").addEventListener("click", function () {
      var choisi = bloc.querySelector("[data-role-choisi]").value;
      var liste = doc.querySelector("ol[data-role='" + choisi + "']");
      var role = {
        nom: liste.getAttribute("data-nom"),
        etapes: Array.prototype.slice.call(liste.querySelectorAll("li")).map(function (li) {
          var questions = li.getAttribute("data-questions");
          return {
            id: li.querySelector("[data-fait]").getAttribute("data-fait"),
            titre: li.querySelector("[data-titre]").textContent,
            minutes: parseInt(li.getAttribute("data-minutes"), 10),
            quiz: li.getAttribute("data-quiz"),
            questions: questions ? parseInt(questions, 10) : null
          };
        })
      };
      var faits = {};
      liste.querySelectorAll("[data-fait]").forEach(function (c) { if (c.checked) faits[c.getAttribute("data-fait")] = true; });
      var donnees = lireStockage(stockage);
      var date = new Date().toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric" });
      var a = composer(role, faits, (donnees && donnees.quiz) || {}, date);
      var contenu = bloc.querySelector("[data-contenu]");
      contenu.textContent = "";
      function paragraphe(texte) {
        var p = doc.createElement("p");
        p.textContent = texte;
        contenu.appendChild(p);
      }
      var nom = bloc.querySelector("[data-nom-lecteur]").value.trim();
      paragraphe((nom ? nom + " a suivi" : "J'ai suivi") + " le parcours «\u00a0" + a.role +
        "\u00a0» du guide KALLM, le " + a.date + ".");
      var ol = doc.createElement("ol");
      a.lignes.forEach(function (l) {
        var li = doc.createElement("li");
        var texte = l.titre + "\u00a0: " + (l.fait ? "fait" : "non coché");
        if (l.quiz) texte += l.score ? "\u202f; " + texteScore(l.score) : "\u202f; aucun résultat de quiz enregistré";
        li.textContent = texte;
        ol.appendChild(li);
      });
      contenu.appendChild(ol);
      paragraphe("Temps de lecture estimé des étapes cochées\u00a0: " + a.minutes + " minutes.");
      paragraphe("Attestation établie par la personne elle-même, à partir de ce qu'elle a coché dans le guide. " +
        "Ce n'est pas un certificat.");
      bloc.querySelector("[data-texte]").hidden = false;
    });
    bloc.querySelector("[data-imprimer]").addEventListener("click", function () {
      doc.body.classList.add("kallm-impression");
      fenetre.addEventListener("afterprint", function retirer() {
        doc.body.classList.remove("kallm-impression");
        fenetre.removeEventListener("afterprint", retirer);
      });
      fenetre.print();
    });
  }

  return { CLE: CLE, composer: composer, texteScore: texteScore, brancher: brancher };
});
