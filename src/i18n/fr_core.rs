//! French for the shell and the shared components: masthead, language and theme switchers,
//! relative times, connection state, errors from the API, the streams table, the history
//! timeline, copy and re-import buttons, and the project map.
//!
//! Vocabulary follows the OpenShift console's French: flux d'images, balise, condensé,
//! déploiement, projet. A space precedes « : » as in the other catalogue parts.

/// English key → French.
pub static ENTRIES: &[(&str, &str)] = &[
    ("Image streams", "Flux d'images"),
    ("{n} of {total}", "{n} sur {total}"),
    ("Language", "Langue"),
    // Relative times (`components::clock::ago_text`): one sentence per unit.
    ("Less than a second ago", "à l'instant"),
    ("1 second ago", "il y a 1 seconde"),
    ("{n} seconds ago", "il y a {n} secondes"),
    ("About a minute ago", "il y a environ une minute"),
    ("{n} minutes ago", "il y a {n} minutes"),
    ("About an hour ago", "il y a environ une heure"),
    ("{n} hours ago", "il y a {n} heures"),
    ("{n} days ago", "il y a {n} jours"),
    ("{n} weeks ago", "il y a {n} semaines"),
    ("{n} months ago", "il y a {n} mois"),
    ("{n} years ago", "il y a {n} ans"),
    // Masthead.
    (
        "A cluster running inside this page: nothing leaves the browser, and a reload starts it afresh",
        "Un cluster qui s'exécute dans cette page : rien ne quitte le navigateur, et un rechargement le remet à zéro",
    ),
    (
        "A cluster running inside this page: nothing leaves the browser, and it is kept here until Reset demo",
        "Un cluster qui s'exécute dans cette page : rien ne quitte le navigateur, et il est conservé ici jusqu'à « Réinitialiser la démo »",
    ),
    ("Demo cluster", "Cluster de démonstration"),
    ("Project views", "Vues du projet"),
    ("Deployments", "Déploiements"),
    ("Logged in as", "Connecté en tant que"),
    ("Log out", "Se déconnecter"),
    ("Loading projects…", "Chargement des projets…"),
    ("Projects unavailable: {error}", "Projets indisponibles : {error}"),
    ("Theme", "Thème"),
    ("System", "Système"),
    ("Light", "Clair"),
    ("Dark", "Sombre"),
    ("Loading configuration…", "Chargement de la configuration…"),
    ("This page does not exist.", "Cette page n'existe pas."),
    // Copy buttons: "Copy {what}" with what in French's own article.
    ("Copied", "Copié"),
    ("Copy failed", "Échec de la copie"),
    (
        "Copying needs a secure (HTTPS) page",
        "La copie nécessite une page sécurisée (HTTPS)",
    ),
    ("Copy {what}", "Copier {what}"),
    ("internal repository", "le dépôt interne"),
    ("public repository", "le dépôt public"),
    ("digest", "le condensé"),
    ("pull spec", "la référence d'image"),
    // Connection state.
    ("Connecting…", "Connexion en cours…"),
    ("Reconnected", "Reconnecté"),
    ("Live", "En direct"),
    (
        "Connection lost — reconnecting in {n} s",
        "Connexion perdue — reconnexion dans {n} s",
    ),
    ("Not connected", "Non connecté"),
    // Errors around the server's own words.
    ("Error", "Erreur"),
    ("the server gave no message", "le serveur n'a donné aucun message"),
    (
        "Cannot reach the API server: {detail}",
        "Impossible de joindre le serveur d'API : {detail}",
    ),
    (
        "Unexpected answer from the API server: {detail}",
        "Réponse inattendue du serveur d'API : {detail}",
    ),
    ("the watch stream broke", "le flux de surveillance s'est interrompu"),
    (
        "the demo cluster in this page failed: {detail}",
        "le cluster de démonstration de cette page a échoué : {detail}",
    ),
    (
        "the server closed the watch at once",
        "le serveur a aussitôt fermé la surveillance",
    ),
    (
        "{user} may not {verb} {resource} in project {namespace}. Ask a project administrator for a role that allows it, e.g. `oc adm policy add-role-to-user edit {user} -n {namespace}`.",
        "{user} n'a pas la permission {verb} sur {resource} dans le projet {namespace}. Demandez à un administrateur du projet un rôle qui l'accorde, p. ex. `oc adm policy add-role-to-user edit {user} -n {namespace}`.",
    ),
    (
        "{user} may not {verb} {resource} across the cluster. Ask a cluster administrator for a role that allows it.",
        "{user} n'a pas la permission {verb} sur {resource} à l'échelle du cluster. Demandez à un administrateur du cluster un rôle qui l'accorde.",
    ),
    ("Dismiss", "Fermer"),
    // Shared words (the forms use them too).
    ("none", "aucun"),
    ("unknown", "inconnu"),
    // The image streams table.
    ("No image streams in this project.", "Aucun flux d'images dans ce projet."),
    ("NAME", "NOM"),
    ("IMAGE REPOSITORY", "DÉPÔT D'IMAGES"),
    ("TAGS", "BALISES"),
    ("UPDATED", "MIS À JOUR"),
    ("USED BY", "UTILISÉ PAR"),
    (" + {n} more", " + {n} de plus"),
    (
        "{n} of them run an older image than the tag's current one",
        "{n} d'entre eux exécutent une image plus ancienne que l'image actuelle de la balise",
    ),
    (" ({n} stale)", " ({n} en retard)"),
    // History timeline.
    ("at an unknown time", "à une date inconnue"),
    ("History of {tag}: no images", "Historique de {tag} : aucune image"),
    (
        "History of {tag}: 1 image, newest {newest}",
        "Historique de {tag} : 1 image, la plus récente {newest}",
    ),
    (
        "History of {tag}: {n} images, newest {newest}",
        "Historique de {tag} : {n} images, la plus récente {newest}",
    ),
    (" (current)", " (actuelle)"),
    ("now", "maintenant"),
    // Re-import.
    (
        "You may not import images in project {namespace} (create imagestreamimports)",
        "Vous n'êtes pas autorisé à importer des images dans le projet {namespace} (create imagestreamimports)",
    ),
    ("Re-import {tag}", "Réimporter {tag}"),
    ("Re-import", "Réimporter"),
    ("{result} into {subject}", "{result} dans {subject}"),
    (
        "Re-import of {subject} failed: {error}",
        "Échec de la réimportation de {subject} : {error}",
    ),
    (
        "the server did not say what it imported",
        "le serveur n'a pas indiqué ce qu'il a importé",
    ),
    ("Imported {digest}", "Importé : {digest}"),
    // Project map.
    ("Image stream {name}", "Flux d'images {name}"),
    ("{stream} has tag {tag}", "{stream} a la balise {tag}"),
    ("{tag} points at {image}", "{tag} pointe sur {image}"),
    ("Deployment {name}", "Déploiement {name}"),
    (
        "{image} is not in the history of {tag}",
        "{image} n'est pas dans l'historique de {tag}",
    ),
    ("{tag} once pointed at {image}", "{tag} a pointé sur {image}"),
    ("{stream} holds {image}", "{stream} contient {image}"),
    (
        "Stale: {deployment} runs an older image of {tag}, {behind}",
        "En retard : {deployment} exécute une image plus ancienne de {tag}, {behind}",
    ),
    (
        "{deployment} runs the current image of {tag}",
        "{deployment} exécute l'image actuelle de {tag}",
    ),
    ("{deployment} runs {image}", "{deployment} exécute {image}"),
    ("no image yet", "pas encore d'image"),
    ("No image yet for {tag}", "Pas encore d'image pour {tag}"),
    ("{tag} has no image yet", "{tag} n'a pas encore d'image"),
    (
        "{deployment} waits for an image of {tag}",
        "{deployment} attend une image de {tag}",
    ),
    ("an older version", "une version plus ancienne"),
    ("1 version behind", "1 version de retard"),
    ("{n} versions behind", "{n} versions de retard"),
    (
        "Image {image}, current image of {tag}",
        "Image {image}, image actuelle de {tag}",
    ),
    (
        "Image {image}, older image of {tag}",
        "Image {image}, ancienne image de {tag}",
    ),
    (
        "No Deployment of this project runs an image from an image stream.",
        "Aucun déploiement de ce projet n'exécute d'image issue d'un flux d'images.",
    ),
    (
        "Project map of {project}: which image stream tags and images each Deployment runs",
        "Carte du projet {project} : les balises de flux d'images et les images qu'exécute chaque déploiement",
    ),
    ("Tags", "Balises"),
    ("Images", "Images"),
    ("stale", "en retard"),
    ("stale, {n} behind", "en retard de {n}"),
    ("pending", "en attente"),
    ("not in history", "hors historique"),
    ("+{n} more", "+{n} de plus"),
    (
        "Dashed lines marked “stale” lead to Deployments that run an older image than their tag points at now.",
        "Les lignes en pointillés marquées « en retard » mènent aux déploiements qui exécutent une image plus ancienne que celle sur laquelle pointe leur balise.",
    ),
];
