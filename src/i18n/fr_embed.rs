//! French for the embeds (`crate::pages::embed`): the chrome-less views for dashboards. Their
//! tables, headings and errors are the console pages' own, translated with those pages.

/// English key → French.
pub static ENTRIES: &[(&str, &str)] = &[
    (
        "This view needs a session with the cluster.",
        "Cette vue a besoin d'une session avec le cluster.",
    ),
    ("Log in to the console", "Se connecter à la console"),
    ("Open in the console", "Ouvrir dans la console"),
    (
        "This image stream has no tags yet.",
        "Ce flux d'images n'a pas encore de balise.",
    ),
    ("Tag details", "Détails de la balise"),
    ("Current digest", "Condensé actuel"),
    ("Last updated", "Dernière mise à jour"),
    (
        "There is no image stream tag {name} in project {project}.",
        "Il n'y a pas de balise de flux d'images {name} dans le projet {project}.",
    ),
];
