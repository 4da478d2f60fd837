//! French for the forms: Import image, Deploy image, Add tag, the Delete dialogs, and the
//! field messages of the model's checks (the server's rules, said in French).

/// English key → French.
pub static ENTRIES: &[(&str, &str)] = &[
    // Shared by the forms.
    ("Cancel", "Annuler"),
    ("Reload", "Recharger"),
    ("Could not reload: {error}", "Rechargement impossible : {error}"),
    ("Equivalent oc command", "Commande oc équivalente"),
    ("Failure", "Échec"),
    ("no message", "aucun message"),
    (
        "An object with this name already exists: choose another name, or open the existing one.",
        "Un objet portant ce nom existe déjà : choisissez un autre nom ou ouvrez l'objet existant.",
    ),
    (
        "Someone changed this object after you loaded it. Reload to get the latest version, then try again: what you typed is kept.",
        "Quelqu'un a modifié cet objet depuis son chargement. Rechargez pour obtenir la dernière version, puis réessayez : ce que vous avez saisi est conservé.",
    ),
    (
        "Scheduled: import again periodically (--scheduled)",
        "Planifié : réimporter périodiquement (--scheduled)",
    ),
    (
        "Insecure registry: allow HTTP and unverified TLS (--insecure)",
        "Registre non sécurisé : autoriser HTTP et TLS non vérifié (--insecure)",
    ),
    (
        "Reference policy (--reference-policy)",
        "Stratégie de référence (--reference-policy)",
    ),
    // Field messages: the kinds of problem, as the server names them.
    ("Required value", "Valeur requise"),
    ("Invalid value", "Valeur non valide"),
    ("Too long", "Trop long"),
    ("Unsupported value", "Valeur non prise en charge"),
    ("Forbidden", "Interdit"),
    ("Duplicate value", "Valeur en double"),
    // The rules of the model's checks.
    ("must not contain dots", "ne doit pas contenir de point"),
    (" or ", " ou "),
    ("name or generateName is required", "name ou generateName est requis"),
    (
        "must be no more than {n} characters",
        "ne doit pas dépasser {n} caractères",
    ),
    ("may not be '{name}'", "ne peut pas être '{name}'"),
    ("may not contain '{text}'", "ne peut pas contenir '{text}'"),
    ("must match \"{pattern}\"", "doit correspondre à \"{pattern}\""),
    (
        "'namespace/name' cannot be longer than {n} characters",
        "'namespace/name' ne peut pas dépasser {n} caractères",
    ),
    (
        "must be between {low} and {high}, inclusive",
        "doit être compris entre {low} et {high} inclus",
    ),
    (
        "must be greater than or equal to 0",
        "doit être supérieur ou égal à 0",
    ),
    (
        "supported values: \"SCTP\", \"TCP\", \"UDP\"",
        "valeurs prises en charge : \"SCTP\", \"TCP\", \"UDP\"",
    ),
    (
        "{rule} (e.g. {examples}; regex used for validation: '{pattern}')",
        "{rule} (p. ex. {examples} ; expression régulière de validation : '{pattern}')",
    ),
    (
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        "un libellé RFC 1123 en minuscules doit être composé de caractères alphanumériques minuscules ou de '-', et doit commencer et se terminer par un caractère alphanumérique",
    ),
    (
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        "un sous-domaine RFC 1123 en minuscules doit être composé de caractères alphanumériques minuscules, de '-' ou de '.', et doit commencer et se terminer par un caractère alphanumérique",
    ),
    (
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
        "un libellé DNS-1035 doit être composé de caractères alphanumériques minuscules ou de '-', commencer par une lettre et se terminer par un caractère alphanumérique",
    ),
    (
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        "une étiquette valide doit être vide ou composée de caractères alphanumériques, de '-', de '_' ou de '.', et doit commencer et se terminer par un caractère alphanumérique",
    ),
    (
        "a valid tag must consist of alphanumeric characters, '_', '.' or '-', and must start with an alphanumeric character or '_'",
        "une balise valide doit être composée de caractères alphanumériques, de '_', de '.' ou de '-', et doit commencer par un caractère alphanumérique ou '_'",
    ),
    (
        "repository name must have at least one component",
        "le nom du dépôt doit comporter au moins un composant",
    ),
    ("invalid reference format", "format de référence non valide"),
    (
        "repository name must be lowercase",
        "le nom du dépôt doit être en minuscules",
    ),
    (
        "repository name must not be more than 255 characters",
        "le nom du dépôt ne doit pas dépasser 255 caractères",
    ),
    ("unsupported digest algorithm", "algorithme de condensé non pris en charge"),
    ("invalid checksum digest length", "longueur de condensé non valide"),
    (
        "you must specify a name for your app",
        "vous devez indiquer un nom pour votre application",
    ),
    ("invalid name: {name}", "nom non valide : {name}"),
    // Import image.
    ("← Image streams", "← Flux d'images"),
    ("Import image", "Importer une image"),
    ("Project: ", "Projet : "),
    // "unknown", "none" and the import permission text are in fr_core (shared).
    ("unknown error prevented import", "une erreur inconnue a empêché l'importation"),
    (
        "Check the fields marked below: nothing was sent.",
        "Vérifiez les champs signalés ci-dessous : rien n'a été envoyé.",
    ),
    (
        "Type an image stream name or a source image to look it up.",
        "Saisissez un nom de flux d'images ou une image source pour la rechercher.",
    ),
    ("Image stream name", "Nom du flux d'images"),
    ("Source image (--from)", "Image source (--from)"),
    ("Tag", "Balise"),
    (
        "The stream's tag to import into; latest when empty.",
        "La balise du flux dans laquelle importer ; latest si vide.",
    ),
    ("Import all tags (--all)", "Importer toutes les balises (--all)"),
    ("Import mode (--import-mode)", "Mode d'importation (--import-mode)"),
    ("Importing…", "Importation…"),
    ("Import", "Importer"),
    ("Image", "Image"),
    ("Command line", "Ligne de commande"),
    ("Digest", "Condensé"),
    ("Created", "Création"),
    ("Architecture", "Architecture"),
    ("Exposed ports", "Ports exposés"),
    ("Import failed: {error}", "Échec de l'importation : {error}"),
    ("Looking up {source}…", "Recherche de {source}…"),
    ("{stream} imported with errors", "{stream} importé avec des erreurs"),
    ("{stream} imported", "{stream} importé"),
    ("Open image stream {name}", "Ouvrir le flux d'images {name}"),
    ("Importing into {name}…", "Importation dans {name}…"),
    (
        "oc would refuse this import: {problem}",
        "oc refuserait cette importation : {problem}",
    ),
    ("Imported {tags}", "Importé : {tags}"),
    ("Import of {tags}", "Importation de {tags}"),
    ("Nothing was imported into {name}", "Rien n'a été importé dans {name}"),
    (
        "The stream to import into; created when it does not exist (--confirm).",
        "Le flux dans lequel importer ; créé s'il n'existe pas (--confirm).",
    ),
    (
        "Pull spec of the image, e.g. quay.io/org/app:1.0. Empty: the stream's source, or the name above, as oc does.",
        "Référence de l'image, p. ex. quay.io/org/app:1.0. Vide : la source du flux, ou le nom ci-dessus, comme le fait oc.",
    ),
    (
        "The remote repository contained {n} additional tags which were not imported: {tags}",
        "Le dépôt distant contenait {n} balises supplémentaires qui n'ont pas été importées : {tags}",
    ),
    (
        "Reloaded image stream {name}: import again to use the latest version.",
        "Flux d'images {name} rechargé : importez de nouveau pour utiliser la dernière version.",
    ),
    ("{tag} failed: {why}", "{tag} en échec : {why}"),
    ("{tag}: failed — {why}", "{tag} : échec — {why}"),
    // Add tag.
    ("a source is required", "une source est requise"),
    (
        "cannot set alias across different Image Streams",
        "impossible de définir un alias entre des flux d'images différents",
    ),
    ("Add tag", "Ajouter une balise"),
    ("Kind of source (--source)", "Type de source (--source)"),
    ("Image stream tag", "Balise de flux d'images"),
    ("Container image", "Image de conteneur"),
    ("Source", "Source"),
    (
        "A pull spec, e.g. quay.io/org/app:1.0.",
        "Une référence d'image, p. ex. quay.io/org/app:1.0.",
    ),
    (
        "Another tag of the project, as stream:tag.",
        "Une autre balise du projet, sous la forme flux:balise.",
    ),
    ("New tag", "Nouvelle balise"),
    (
        "Alias: follow the source tag as it changes (--alias)",
        "Alias : suivre la balise source quand elle change (--alias)",
    ),
    ("Command line: ", "Ligne de commande : "),
    ("Adding…", "Ajout…"),
    ("Add", "Ajouter"),
    (
        "Tag {tag} set up to track {source}.",
        "La balise {tag} suit désormais {source}.",
    ),
    (
        "Tag {tag} set to import {source} periodically.",
        "La balise {tag} importera {source} périodiquement.",
    ),
    ("Tag {tag} set to {source}.", "La balise {tag} pointe sur {source}."),
    ("Add tag to {name}", "Ajouter une balise à {name}"),
    (
        "server in SOURCE is only allowed when providing a container image",
        "un serveur dans SOURCE n'est autorisé que pour une image de conteneur",
    ),
    (
        "--source=ImageStreamTag requires a valid <name>:<tag> in SOURCE",
        "--source=ImageStreamTag exige un <nom>:<balise> valide dans SOURCE",
    ),
    (
        "The tag of this stream to set; an existing tag is replaced.",
        "La balise de ce flux à définir ; une balise existante est remplacée.",
    ),
    ("invalid SOURCE: {error}", "SOURCE non valide : {error}"),
    (
        "{source} is not currently pointing to an image, cannot use it as the source of a tag",
        "{source} ne pointe actuellement sur aucune image ; impossible de l'utiliser comme source d'une balise",
    ),
    (
        "You may not change image streams in project {namespace} (update imagestreams)",
        "Vous n'avez pas le droit de modifier les flux d'images du projet {namespace} (update imagestreams)",
    ),
    ("Could not read the source: {error}", "Lecture de la source impossible : {error}"),
    ("Could not set the tag: {error}", "Impossible de définir la balise : {error}"),
    (
        "Reloaded image stream {name}: add the tag again to use the latest version.",
        "Flux d'images {name} rechargé : ajoutez de nouveau la balise pour utiliser la dernière version.",
    ),
    // Deploy image.
    ("Deploy image", "Déployer une image"),
    (
        "Create an application from an image, as ",
        "Créer une application à partir d'une image, comme ",
    ),
    (" does.", " le fait."),
    ("Project", "Projet"),
    (
        "A pull spec from an external registry, e.g. ",
        "Une référence d'image d'un registre externe, p. ex. ",
    ),
    ("Insecure registry", "Registre non sécurisé"),
    (
        "Allow plain HTTP and unverified certificates for this registry (",
        "Autoriser HTTP et les certificats non vérifiés pour ce registre (",
    ),
    ("Application name", "Nom de l'application"),
    (
        "Derived from the image as oc derives it until you edit it. It names the image stream, the Deployment, the Service and the app label.",
        "Déduit de l'image comme le fait oc, tant que vous ne le modifiez pas. Il nomme le flux d'images, le déploiement, le service et l'étiquette app.",
    ),
    ("Ports", "Ports"),
    (
        "Read from the image's EXPOSE, as PORT/PROTOCOL separated by commas. With at least one port, a Service is created.",
        "Lus dans l'EXPOSE de l'image, sous la forme PORT/PROTOCOLE séparés par des virgules. Avec au moins un port, un service est créé.",
    ),
    ("Replicas", "Réplicas"),
    (
        "How many pods the Deployment runs.",
        "Nombre de pods qu'exécute le déploiement.",
    ),
    ("Command", "Commande"),
    ("Objects to create", "Objets à créer"),
    ("Create", "Créer"),
    (
        "The image is still being looked up: create it once it is found.",
        "L'image est encore en cours de recherche : créez l'application une fois qu'elle est trouvée.",
    ),
    ("Looking up the image…", "Recherche de l'image…"),
    (
        "The objects appear here once the image is found and the fields are valid.",
        "Les objets apparaissent ici une fois l'image trouvée et les champs valides.",
    ),
    ("Nothing was created.", "Rien n'a été créé."),
    (
        "Some objects were created, not all:",
        "Certains objets ont été créés, pas tous :",
    ),
    (
        "Nothing was created: the server's dry run refused the app (see the form).",
        "Rien n'a été créé : l'essai à blanc du serveur a refusé l'application (voir le formulaire).",
    ),
    ("already exists", "existe déjà"),
    (
        "The server did not say what the image is.",
        "Le serveur n'a pas indiqué ce qu'est l'image.",
    ),
    ("exposes no ports", "n'expose aucun port"),
    ("exposes {ports}", "expose {ports}"),
    ("YAML of {object}", "YAML de {object}"),
    ("Deploying {app}", "Déploiement de {app}"),
    ("Deployment {app}: waiting", "Déploiement {app} : en attente"),
    ("Image stream {app}", "Flux d'images {app}"),
    ("Deployment {app}", "Déploiement {app}"),
    ("Creating {object}…", "Création de {object}…"),
    ("Open {object}", "Ouvrir {object}"),
    ("Created: {object}", "Créé : {object}"),
    ("Deployment {app} created", "Déploiement {app} créé"),
    (
        ". This registry answers over plain HTTP: tick “Insecure registry” if you trust it.",
        ". Ce registre répond en HTTP simple : cochez « Registre non sécurisé » si vous lui faites confiance.",
    ),
    (
        "You may not create Deployments in project {namespace} (create deployments.apps).",
        "Vous n'avez pas le droit de créer des déploiements dans le projet {namespace} (create deployments.apps).",
    ),
    (
        "Image stream {app}: waiting for the import",
        "Flux d'images {app} : en attente de l'importation",
    ),
    (
        "Trigger {tag}: waiting for the image",
        "Déclencheur {tag} : en attente de l'image",
    ),
    ("Replicas of {app} ready: {ready}", "Réplicas de {app} prêts : {ready}"),
    (
        "Checking {object} with the server (dry run)…",
        "Vérification de {object} par le serveur (essai à blanc)…",
    ),
    ("Not created: {object} — {error}", "Non créé : {object} — {error}"),
    (
        "Not created: {object} (not attempted)",
        "Non créé : {object} (non tenté)",
    ),
    (
        "Nothing was created: {name} already exists in project {namespace}.",
        "Rien n'a été créé : {name} existe déjà dans le projet {namespace}.",
    ),
    (
        "Created {kinds} {name} in project {namespace}.",
        "Créé : {kinds} {name} dans le projet {namespace}.",
    ),
    ("Image stream {app}: {error}", "Flux d'images {app} : {error}"),
    ("Deployment {app}: {error}", "Déploiement {app} : {error}"),
    (
        "Image stream {app} imported {digest}",
        "Le flux d'images {app} a importé {digest}",
    ),
    (
        "Image stream {app}: import failed, {error}",
        "Flux d'images {app} : échec de l'importation, {error}",
    ),
    (
        "Trigger {tag} resolved to {image}",
        "Déclencheur {tag} résolu en {image}",
    ),
    ("Deployment {app} runs {digest}.", "Le déploiement {app} exécute {digest}."),
    (
        "Deployment {app} runs {digest} ({ready} ready).",
        "Le déploiement {app} exécute {digest} ({ready} prêts).",
    ),
    ("Found {digest} · {ports}{arch}", "Trouvée : {digest} · {ports}{arch}"),
    // Delete.
    ("1 object", "1 objet"),
    ("{n} objects", "{n} objets"),
    ("1 tag", "1 balise"),
    ("{n} tags", "{n} balises"),
    ("1 image", "1 image"),
    ("{n} images", "{n} images"),
    (" (no image yet)", " (pas encore d'image)"),
    (
        "follows it, and will point at nothing",
        "la suit, et ne pointera plus sur rien",
    ),
    ("delete image streams", "supprimer des flux d'images"),
    ("Delete", "Supprimer"),
    ("delete image stream tags", "supprimer des balises de flux d'images"),
    ("Delete application", "Supprimer l'application"),
    ("delete applications", "supprimer des applications"),
    ("Delete application {name}", "Supprimer l'application {name}"),
    ("Delete application {name}?", "Supprimer l'application {name} ?"),
    ("Delete deployment", "Supprimer le déploiement"),
    ("delete deployments", "supprimer des déploiements"),
    ("Delete deployment {name}", "Supprimer le déploiement {name}"),
    ("Delete deployment {name}?", "Supprimer le déploiement {name} ?"),
    ("Delete all", "Tout supprimer"),
    ("delete everything", "tout supprimer"),
    ("Propagation policy", "Stratégie de propagation"),
    ("Type ", "Saisissez "),
    (" to confirm", " pour confirmer"),
    ("Deleting…", "Suppression…"),
    (
        "Looking up what will be deleted…",
        "Recherche de ce qui sera supprimé…",
    ),
    (
        "Could not look up what would be deleted. ",
        "Impossible de déterminer ce qui serait supprimé. ",
    ),
    (
        "Nothing to delete: no objects were found.",
        "Rien à supprimer : aucun objet trouvé.",
    ),
    ("This will delete:", "Seront supprimés :"),
    ("Still referenced by", "Encore référencé par"),
    (
        "They keep running the image they have, but cannot start new pods from it once it is gone, and their image triggers stop.",
        "Ils continuent d'exécuter l'image qu'ils ont, mais ne pourront plus démarrer de nouveaux pods à partir d'elle une fois supprimée, et leurs déclencheurs d'image s'arrêtent.",
    ),
    ("Not deleted:", "Non supprimé :"),
    ("image stream {name}", "flux d'images {name}"),
    ("tag {tag}", "balise {tag}"),
    (" (follows {target})", " (suit {target})"),
    ("every {kind}", "tous les objets {kind}"),
    ("Delete image stream {name}", "Supprimer le flux d'images {name}"),
    ("Delete image stream {name}?", "Supprimer le flux d'images {name} ?"),
    ("Delete tag {tag}?", "Supprimer la balise {tag} ?"),
    ("Delete tag {tag}", "Supprimer la balise {tag}"),
    ("Deleted {what}", "Supprimé : {what}"),
    (
        "Delete now; the cluster then removes what it owns (ReplicaSets, pods). As oc delete does by default.",
        "Supprimer maintenant ; le cluster supprime ensuite ce qui en dépend (ReplicaSets, pods). Comportement par défaut d'oc delete.",
    ),
    (
        "Remove what it owns first; the object stays, marked for deletion, until they are gone.",
        "Supprimer d'abord ce qui en dépend ; l'objet reste, marqué pour suppression, jusqu'à leur disparition.",
    ),
    (
        "Delete only the object: what it owns (ReplicaSets, pods) keeps running, without an owner.",
        "Supprimer uniquement l'objet : ce qui en dépend (ReplicaSets, pods) continue de s'exécuter, sans propriétaire.",
    ),
    (
        "You may not {what} in project {namespace} ({needed})",
        "Vous n'avez pas le droit de {what} dans le projet {namespace} ({needed})",
    ),
    ("{names} and {more} more", "{names} et {more} de plus"),
    (
        "container {container} runs {image} ({state})",
        "le conteneur {container} exécute {image} ({state})",
    ),
    (
        "Could not check which Deployments use it: {error}",
        "Impossible de vérifier quels déploiements l'utilisent : {error}",
    ),
    ("its {tags}: {names}", "ses {tags} : {names}"),
    (
        " → {digest} ({images} in its history)",
        " → {digest} ({images} dans son historique)",
    ),
    ("Tag {tag}", "Balise {tag}"),
    ("application {app} ({objects})", "application {app} ({objects})"),
    ("Could not list {kind}s: {error}", "Impossible de lister les {kind} : {error}"),
    (
        "everything in project {namespace} ({objects})",
        "tout le contenu du projet {namespace} ({objects})",
    ),
    ("Delete all in project {namespace}", "Tout supprimer dans le projet {namespace}"),
    (
        "Delete everything in project {namespace}?",
        "Supprimer tout le contenu du projet {namespace} ?",
    ),
    ("Could not delete {what}: {error}", "Impossible de supprimer {what} : {error}"),
    (
        "Deleted {removed} of {objects}; {failed} could not be deleted",
        "{removed} supprimé(s) sur {objects} ; {failed} n'ont pas pu être supprimés",
    ),
];
