//! French for the shell's own strings: loading a page's code, route errors.

/// English key → French.
pub static ENTRIES: &[(&str, &str)] = &[
    ("Loading…", "Chargement…"),
    (
        "Could not load this page.",
        "Impossible de charger cette page.",
    ),
    (
        "The console's server did not answer: check the connection, then retry.",
        "Le serveur de la console n'a pas répondu : vérifiez la connexion, puis réessayez.",
    ),
    ("Retry", "Réessayer"),
];
