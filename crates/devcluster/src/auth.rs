//! Who is calling and what they may do: bearer tokens mapped to users, and per-project roles
//! (view, edit, admin) checked with the API server's Forbidden wording.

use std::collections::{BTreeMap, BTreeSet};

/// Most tokens with an expiry kept at once (those issued by the OAuth server). A client that
/// logs in over and over cannot grow the table without bound: past this, the token closest to
/// its expiry is dropped first.
pub const MAX_EXPIRING_TOKENS: usize = 10_000;

/// What a user may do in a project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// get, list, watch.
    View,
    /// Everything a developer does: create, update, patch, delete.
    Edit,
    /// Edit, plus deleting the project itself.
    Admin,
}

/// A user known to the cluster.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserRecord {
    /// Full name shown by `users/~`.
    pub full_name: String,
    /// Cluster administrators may do everything everywhere.
    pub cluster_admin: bool,
    /// Roles per namespace.
    pub projects: BTreeMap<String, Access>,
}

/// Whom a bearer token stands for, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
struct TokenRecord {
    user: String,
    /// Milliseconds since the epoch after which the token is refused; `None`: never (the demo
    /// users' fixed tokens).
    expires_at: Option<i64>,
}

/// The users, their tokens, and whether anonymous requests are let in.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    users: BTreeMap<String, UserRecord>,
    tokens: BTreeMap<String, TokenRecord>,
    /// The tokens that expire, by expiry: pruning looks at the front only.
    expiring: BTreeSet<(i64, String)>,
    /// The user anonymous requests act as, when anonymous access is on.
    pub anonymous_as: Option<String>,
}

/// The caller of a request, once authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// User name.
    pub name: String,
}

impl Auth {
    /// Adds or replaces a user.
    pub fn add_user(&mut self, name: &str, record: UserRecord) {
        self.users.insert(name.to_owned(), record);
    }

    /// Gives a user a bearer token that does not expire (the demo users' fixed tokens).
    pub fn add_token(&mut self, token: &str, user: &str) {
        self.forget_token(token);
        self.tokens.insert(
            token.to_owned(),
            TokenRecord {
                user: user.to_owned(),
                expires_at: None,
            },
        );
    }

    /// Gives a user a bearer token refused from `expires_at` (milliseconds since the epoch) on,
    /// as OpenShift's OAuthAccessTokens carry `expiresIn`. At most [`MAX_EXPIRING_TOKENS`] are
    /// kept: beyond that the one closest to expiry goes.
    pub fn add_expiring_token(&mut self, token: &str, user: &str, expires_at: i64) {
        self.forget_token(token);
        while self.expiring.len() >= MAX_EXPIRING_TOKENS {
            let Some((_, oldest)) = self.expiring.pop_first() else {
                break;
            };
            self.tokens.remove(&oldest);
        }
        self.tokens.insert(
            token.to_owned(),
            TokenRecord {
                user: user.to_owned(),
                expires_at: Some(expires_at),
            },
        );
        self.expiring.insert((expires_at, token.to_owned()));
    }

    fn forget_token(&mut self, token: &str) {
        if let Some(TokenRecord {
            expires_at: Some(at),
            ..
        }) = self.tokens.remove(token)
        {
            self.expiring.remove(&(at, token.to_owned()));
        }
    }

    /// Drops every token whose expiry is at or before `now_millis`, as OpenShift's token
    /// timeout controller deletes expired OAuthAccessTokens; returns how many went.
    pub fn prune_expired(&mut self, now_millis: i64) -> usize {
        let mut pruned = 0;
        while let Some((at, token)) = self.expiring.first().cloned() {
            if at > now_millis {
                break;
            }
            self.expiring.pop_first();
            self.tokens.remove(&token);
            pruned += 1;
        }
        pruned
    }

    /// How many tokens with an expiry are kept (issued by the OAuth server, not yet pruned).
    pub fn expiring_tokens(&self) -> usize {
        self.expiring.len()
    }

    /// Grants a role in a namespace (used when a user creates a project).
    pub fn grant(&mut self, user: &str, namespace: &str, access: Access) {
        if let Some(record) = self.users.get_mut(user) {
            record.projects.insert(namespace.to_owned(), access);
        }
    }

    /// Forgets every role in a deleted namespace.
    pub fn revoke_namespace(&mut self, namespace: &str) {
        for record in self.users.values_mut() {
            record.projects.remove(namespace);
        }
    }

    /// One user's record.
    pub fn user(&self, name: &str) -> Option<&UserRecord> {
        self.users.get(name)
    }

    /// Every user by name (saving their project grants, `persist`).
    pub(crate) fn users(&self) -> impl Iterator<Item = (&str, &UserRecord)> {
        self.users
            .iter()
            .map(|(name, record)| (name.as_str(), record))
    }

    /// Replaces a known user's project roles (loading saved grants); `false` if the user is
    /// unknown.
    pub(crate) fn set_projects(&mut self, user: &str, projects: BTreeMap<String, Access>) -> bool {
        match self.users.get_mut(user) {
            Some(record) => {
                record.projects = projects;
                true
            }
            None => false,
        }
    }

    /// Every token as an OAuthAccessToken: (object name, user). The name is what `oc logout`
    /// deletes: for a `sha256~` token, `sha256~` and the unpadded base64url SHA-256 of what
    /// follows (oc's tokenToObjectName and the oauth-apiserver's storage agree on it); any
    /// other token is its own name.
    pub fn token_objects(&self) -> impl Iterator<Item = (String, &str)> {
        self.tokens
            .iter()
            .map(|(token, record)| (token_object_name(token), record.user.as_str()))
    }

    /// Deletes the token whose OAuthAccessToken is named `name`; its user, if there was one.
    /// The token no longer authenticates anyone.
    pub fn revoke_token_object(&mut self, name: &str) -> Option<String> {
        let token = self
            .tokens
            .keys()
            .find(|token| token_object_name(token) == name)?
            .clone();
        let user = self.tokens.get(&token).map(|record| record.user.clone());
        self.forget_token(&token);
        user
    }

    /// Resolves the `Authorization` header at `now_millis`: an unknown token, or one whose
    /// expiry has come, is refused. `Err(())` means 401 Unauthorized.
    #[allow(clippy::result_unit_err)]
    pub fn authenticate(&self, authorization: Option<&str>, now_millis: i64) -> Result<Caller, ()> {
        match authorization {
            Some(header) => {
                let token = header
                    .strip_prefix("Bearer ")
                    .or_else(|| header.strip_prefix("bearer "))
                    .ok_or(())?;
                self.user_of_token(token.trim(), now_millis)
                    .map(|name| Caller {
                        name: name.to_owned(),
                    })
                    .ok_or(())
            }
            None => self
                .anonymous_as
                .clone()
                .map(|name| Caller { name })
                .ok_or(()),
        }
    }

    /// The user a token stands for at `now_millis` (`None`: unknown or expired). The
    /// integrated registry's token endpoint reads the API token from Basic auth with this.
    pub fn user_of_token(&self, token: &str, now_millis: i64) -> Option<&str> {
        let record = self.tokens.get(token)?;
        if record.expires_at.is_some_and(|at| at <= now_millis) {
            return None;
        }
        Some(&record.user)
    }

    /// The caller's access in a namespace (cluster admins are admin everywhere).
    pub fn access(&self, caller: &Caller, namespace: &str) -> Option<Access> {
        let record = self.users.get(&caller.name)?;
        if record.cluster_admin {
            return Some(Access::Admin);
        }
        record.projects.get(namespace).copied()
    }

    /// Whether the caller is a cluster administrator.
    pub fn is_cluster_admin(&self, caller: &Caller) -> bool {
        self.users
            .get(&caller.name)
            .is_some_and(|record| record.cluster_admin)
    }

    /// The namespaces the caller can see.
    pub fn visible_namespaces(&self, caller: &Caller) -> Option<Vec<String>> {
        let record = self.users.get(&caller.name)?;
        if record.cluster_admin {
            return None;
        }
        Some(record.projects.keys().cloned().collect())
    }

    /// Whether `verb` on a namespaced resource in `namespace` is allowed.
    pub fn allows(&self, caller: &Caller, verb: &str, namespace: &str) -> bool {
        let needed = match verb {
            "get" | "list" | "watch" => Access::View,
            _ => Access::Edit,
        };
        self.access(caller, namespace)
            .is_some_and(|have| have >= needed)
    }
}

/// The OAuthAccessToken name of a bearer token (see [`Auth::token_objects`]).
pub fn token_object_name(token: &str) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    match token.strip_prefix("sha256~") {
        Some(secret) => format!(
            "sha256~{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(secret))
        ),
        None => token.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Auth {
        let mut auth = Auth::default();
        auth.add_user(
            "dev",
            UserRecord {
                projects: BTreeMap::from([("demo".into(), Access::Edit)]),
                ..UserRecord::default()
            },
        );
        auth.add_user(
            "viewer",
            UserRecord {
                projects: BTreeMap::from([("demo".into(), Access::View)]),
                ..UserRecord::default()
            },
        );
        auth.add_token("dev-token", "dev");
        auth.add_token("viewer-token", "viewer");
        auth
    }

    #[test]
    fn tokens_identify_users_and_anything_else_is_unauthorized() {
        let auth = auth();
        assert_eq!(
            auth.authenticate(Some("Bearer dev-token"), 0).unwrap().name,
            "dev"
        );
        assert!(auth.authenticate(Some("Bearer nope"), 0).is_err());
        assert!(auth.authenticate(Some("Basic abc"), 0).is_err());
        assert!(auth.authenticate(None, 0).is_err());
    }

    #[test]
    fn expiring_tokens_are_refused_from_their_expiry_and_pruned() {
        let mut auth = auth();
        auth.add_expiring_token("short", "dev", 1_000);
        auth.add_expiring_token("long", "viewer", 5_000);
        assert_eq!(
            auth.authenticate(Some("Bearer short"), 999).unwrap().name,
            "dev"
        );
        assert!(auth.authenticate(Some("Bearer short"), 1_000).is_err());
        assert_eq!(auth.prune_expired(1_000), 1);
        assert_eq!(auth.expiring_tokens(), 1);
        assert!(auth.authenticate(Some("Bearer short"), 0).is_err(), "gone");
        assert!(auth.authenticate(Some("Bearer long"), 4_999).is_ok());
        // The fixed tokens never expire and are never pruned.
        assert_eq!(auth.prune_expired(i64::MAX), 1);
        assert!(auth
            .authenticate(Some("Bearer dev-token"), i64::MAX)
            .is_ok());
    }

    #[test]
    fn the_number_of_expiring_tokens_is_bounded() {
        let mut auth = auth();
        for i in 0..MAX_EXPIRING_TOKENS + 5 {
            auth.add_expiring_token(&format!("t{i}"), "dev", 1_000 + i as i64);
        }
        assert_eq!(auth.expiring_tokens(), MAX_EXPIRING_TOKENS);
        assert!(
            auth.authenticate(Some("Bearer t0"), 0).is_err(),
            "the oldest went"
        );
        let newest = format!("Bearer t{}", MAX_EXPIRING_TOKENS + 4);
        assert!(auth.authenticate(Some(&newest), 0).is_ok());
    }

    #[test]
    fn roles_decide_verbs_per_project() {
        let auth = auth();
        let viewer = Caller {
            name: "viewer".into(),
        };
        let dev = Caller { name: "dev".into() };
        assert!(auth.allows(&viewer, "list", "demo"));
        assert!(!auth.allows(&viewer, "create", "demo"));
        assert!(auth.allows(&dev, "delete", "demo"));
        assert!(!auth.allows(&dev, "get", "other"));
    }
}
