//! French for the static demo: the masthead's demo actions and the log-in page's server field.

/// English key → French.
pub static ENTRIES: &[(&str, &str)] = &[
    ("Connect to a cluster", "Se connecter à un cluster"),
    ("Reset demo", "Réinitialiser la démo"),
    ("Reset the demo cluster?", "Réinitialiser le cluster de démonstration ?"),
    (
        "Everything created, imported or deleted in the demo is undone: its projects return to how they started.",
        "Tout ce qui a été créé, importé ou supprimé dans la démo est annulé : ses projets reviennent à leur état de départ.",
    ),
    ("API server", "Serveur d'API"),
    (
        "Images in the demo cluster's registries",
        "Images dans les registres du cluster de démonstration",
    ),
    (
        "Enter the API server's URL, such as https://api.cluster.example.com:6443 (oc whoami --show-server).",
        "Saisissez l'URL du serveur d'API, par exemple https://api.cluster.example.com:6443 (oc whoami --show-server).",
    ),
    (
        "The cluster must allow requests from this page's address (CORS).",
        "Le cluster doit accepter les requêtes venant de l'adresse de cette page (CORS).",
    ),
];
