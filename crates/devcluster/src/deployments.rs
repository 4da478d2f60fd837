//! The deployment controller: one ReplicaSet per pod template, owned by its Deployment, rolled
//! out by the Deployment's strategy, with the revisions, annotations, replica counts and
//! conditions kube-controller-manager's deployment controller writes
//! (pkg/controller/deployment: sync.go, rolling.go, recreate.go, progress.go, and
//! deployment/util), so `kubectl rollout status|history|undo|restart|pause|resume` read what
//! they read from a real cluster.
//!
//! Pods are not run. A ReplicaSet's pods count as available the moment it is scaled, unless a
//! container of its template has no image yet (`" "`: waiting for its image trigger), whose
//! pods never become available. The rollout is computed to the state the real controller
//! settles in: a runnable template replaces the old ones entirely; one that cannot run stops
//! where the rolling update's surge and unavailability budgets stop it.

use crate::api::Cluster;
use crate::resources;
use crate::store::ObjectKey;
use imagestream_model::time::{format_rfc3339, parse_rfc3339};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Store index of ReplicaSets by their owners' uids (`namespace/uid`): the deployment
/// controller's look-up of a Deployment's ReplicaSets.
pub(crate) const OWNERS: &str = "replicasets-by-owner";

const REVISION: &str = "deployment.kubernetes.io/revision";
const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
const HASH_LABEL: &str = "pod-template-hash";

/// Deployment annotations the controller does not copy onto its ReplicaSets (deployment
/// util's skipCopyAnnotation).
const NOT_COPIED: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
];

/// The longest `revision-history` annotation kept (the controller's
/// MaxRevHistoryLengthInChars).
const REVISION_HISTORY_CHARS: usize = 2000;

/// [`OWNERS`] values: `namespace/uid` for every owner reference with a uid.
pub(crate) fn owner_uids(key: &ObjectKey, object: &Value) -> Vec<String> {
    object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| r.get("uid").and_then(Value::as_str))
        .map(|uid| format!("{}/{uid}", key.namespace))
        .collect()
}

/// The Deployment a ReplicaSet's controller reference names, if any: a change to the
/// ReplicaSet (someone scaling it by hand) has its Deployment synced again.
pub(crate) fn controlling_deployment(key: &ObjectKey, replica_set: &Value) -> Option<ObjectKey> {
    let owner = replica_set
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)?
        .iter()
        .find(|r| r.get("controller") == Some(&Value::Bool(true)))?;
    (owner.get("kind").and_then(Value::as_str) == Some("Deployment")).then(|| ObjectKey {
        resource: "deployments",
        namespace: key.namespace.clone(),
        name: owner
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
    })
}

/// The characters apimachinery's rand.SafeEncodeString maps digits onto (no vowels, no
/// look-alikes), so names read like the real controller's `web-5d8f9c6b7`.
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The `pod-template-hash` of a template: the real controller hashes its Go struct dump with
/// FNV-32a, which cannot be reproduced outside Go, so this hashes the template's JSON (SHA-256
/// cut to 32 bits) and the collision count, and encodes the number as the controller does.
fn template_hash(template: &Value, collision_count: i64) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{template}/{collision_count}").as_bytes());
    let number = digest
        .iter()
        .take(4)
        .fold(0_u32, |n, byte| (n << 8) | u32::from(*byte));
    number
        .to_string()
        .bytes()
        .map(|b| char::from(SAFE_ALPHABET[usize::from(b) % SAFE_ALPHABET.len()]))
        .collect()
}

/// A value without its nulls and empty objects and lists: what the API server's typed
/// decoding makes of them, so a template that went through a client's Go types
/// (`creationTimestamp: null`, `resources: {}`, as `kubectl rollout undo` sends it) equals
/// the one stored (apimachinery's semantic equality treats them alike).
fn normalized(value: &Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Object(map) => {
            let kept: Map<String, Value> = map
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), normalized(v)?)))
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        Value::Array(items) => {
            let kept: Vec<Value> = items
                .iter()
                .map(|v| normalized(v).unwrap_or_default())
                .collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        other => Some(other.clone()),
    }
}

/// A template without the `pod-template-hash` label, normalized, for comparing a
/// ReplicaSet's template with its Deployment's (deployment util's EqualIgnoreHash) and for
/// hashing it.
fn without_hash(template: &Value) -> Value {
    let mut template = template.clone();
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(HASH_LABEL);
    }
    normalized(&template).unwrap_or(json!({}))
}

/// Whether a template's pods can start: every container has an image.
fn runnable(template: &Value) -> bool {
    template
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .is_some_and(|containers| {
            containers.iter().all(|c| {
                c.get("image")
                    .and_then(Value::as_str)
                    .is_some_and(|i| !i.trim().is_empty())
            })
        })
}

/// A count read from an object, kept to int32 as its API type is, so sums of counts that
/// anyone may have written cannot overflow.
fn int(value: Option<&Value>) -> i64 {
    value
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .clamp(i64::from(i32::MIN), i64::from(i32::MAX))
}

fn annotation<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    object
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(name))
        .and_then(Value::as_str)
}

fn set_annotation(object: &mut Value, name: &str, value: &str) -> bool {
    if annotation(object, name) == Some(value) {
        return false;
    }
    if !object
        .pointer("/metadata/annotations")
        .is_some_and(Value::is_object)
    {
        object["metadata"]["annotations"] = json!({});
    }
    object["metadata"]["annotations"][name] = json!(value);
    true
}

fn revision(object: &Value) -> i64 {
    annotation(object, REVISION)
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// An int-or-percent (`maxSurge`, `maxUnavailable`) of `total`, percentages rounded up or
/// down (intstr's GetScaledValueFromIntOrPercent); anything unreadable counts as 0.
fn scaled(value: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match value {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(text)) => {
            let Some(percent) = text.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) else {
                return 0;
            };
            let product = percent.saturating_mul(total);
            if round_up {
                product.saturating_add(99) / 100
            } else {
                product / 100
            }
        }
        _ => 0,
    }
}

/// What a Deployment asks of its rollout.
struct Plan {
    replicas: i64,
    rolling: bool,
    surge: i64,
    unavailable: i64,
}

impl Plan {
    fn of(deployment: &Value) -> Self {
        let replicas = int(deployment.pointer("/spec/replicas")).max(0);
        let rolling = deployment
            .pointer("/spec/strategy/type")
            .and_then(Value::as_str)
            != Some("Recreate");
        let (mut surge, mut unavailable) = (0, 0);
        if rolling {
            let update = deployment.pointer("/spec/strategy/rollingUpdate");
            // The defaults are 25% each, as the API server defaults them.
            let surge_value = update
                .and_then(|u| u.get("maxSurge"))
                .cloned()
                .unwrap_or(json!("25%"));
            let unavailable_value = update
                .and_then(|u| u.get("maxUnavailable"))
                .cloned()
                .unwrap_or(json!("25%"));
            let int32 = |n: i64| n.clamp(0, i64::from(i32::MAX));
            surge = int32(scaled(Some(&surge_value), replicas, true));
            unavailable = int32(scaled(Some(&unavailable_value), replicas, false));
            // Deployment util's ResolveFenceposts: both zero would never make progress.
            if surge == 0 && unavailable == 0 {
                unavailable = 1;
            }
            unavailable = unavailable.min(replicas);
        }
        Self {
            replicas,
            rolling,
            surge,
            unavailable,
        }
    }
}

/// One ReplicaSet of a Deployment, as the controller sees it.
#[derive(Clone)]
struct Set {
    key: ObjectKey,
    object: Value,
    replicas: i64,
    runnable: bool,
    /// Created in this sync: its first replica count is part of its first generation.
    created: bool,
}

impl Set {
    fn available(&self) -> i64 {
        if self.runnable {
            self.replicas
        } else {
            0
        }
    }
}

/// Scales the old and new sets as the rolling updater does (rolling.go's
/// reconcileNewReplicaSet and reconcileOldReplicaSets), to where it settles.
fn roll(plan: &Plan, new: &mut Set, old: &mut [Set]) {
    if new.runnable {
        // New pods are available at once: the updater ends with only them.
        new.replicas = plan.replicas;
        old.iter_mut().for_each(|set| set.replicas = 0);
        return;
    }
    // The new pods never become available, so this stops after a few rounds.
    for _ in 0..64 {
        let before: Vec<i64> = old.iter().map(|s| s.replicas).collect();
        let new_before = new.replicas;
        let old_count: i64 = old.iter().map(|s| s.replicas).sum();
        if new.replicas > plan.replicas {
            new.replicas = plan.replicas;
        } else if new.replicas < plan.replicas {
            let most = plan.replicas + plan.surge;
            let current = new.replicas + old_count;
            if current < most {
                new.replicas += (most - current).min(plan.replicas - new.replicas);
            }
        }
        let old_count: i64 = old.iter().map(|s| s.replicas).sum();
        if old_count > 0 {
            let all = new.replicas + old_count;
            let min_available = plan.replicas - plan.unavailable;
            let new_unavailable = new.replicas - new.available();
            let most_down = all - min_available - new_unavailable;
            if most_down > 0 {
                // Unhealthy old pods go first, then healthy ones down to the minimum.
                let mut cleaned = 0;
                for set in old.iter_mut() {
                    let unhealthy = set.replicas - set.available();
                    let down = unhealthy.min(most_down - cleaned);
                    set.replicas -= down;
                    cleaned += down;
                }
                let available: i64 = new.available() + old.iter().map(Set::available).sum::<i64>();
                let mut budget = (available - min_available).max(0);
                for set in old.iter_mut() {
                    let down = set.replicas.min(budget);
                    set.replicas -= down;
                    budget -= down;
                }
            }
        }
        if new.replicas == new_before && old.iter().map(|s| s.replicas).eq(before) {
            break;
        }
    }
}

fn condition(kind: &str, status: &str, reason: &str, message: String, now: i64) -> Value {
    let time = format_rfc3339(now);
    json!({"type": kind, "status": status, "lastUpdateTime": time, "lastTransitionTime": time, "reason": reason, "message": message})
}

/// Deployment util's SetDeploymentCondition: the same status and reason change nothing; the
/// same status keeps its transition time; the condition moves to the end of the list.
fn set_condition(conditions: &mut Vec<Value>, mut new: Value) {
    let current = conditions
        .iter()
        .find(|c| c["type"] == new["type"])
        .cloned();
    if let Some(current) = &current {
        if current["status"] == new["status"] && current["reason"] == new["reason"] {
            return;
        }
        if current["status"] == new["status"] {
            new["lastTransitionTime"] = current["lastTransitionTime"].clone();
        }
    }
    conditions.retain(|c| c["type"] != new["type"]);
    conditions.push(new);
}

fn find_condition<'a>(conditions: &'a [Value], kind: &str) -> Option<&'a Value> {
    conditions.iter().find(|c| c["type"] == kind)
}

/// A status object without its zero counts, as the Go types omit them.
fn counts(fields: &[(&str, i64)]) -> Map<String, Value> {
    fields
        .iter()
        .filter(|(_, n)| *n != 0)
        .map(|(name, n)| ((*name).to_owned(), json!(n)))
        .collect()
}

impl Cluster {
    /// Syncs the Deployments that changed (or whose ReplicaSets did).
    pub(crate) fn run_deployments(&mut self, dirty: &BTreeSet<ObjectKey>, now: i64) {
        for key in dirty {
            let Some(deployment) = self.store.get(key).map(|d| (**d).clone()) else {
                continue;
            };
            self.sync_deployment(key, deployment, now);
        }
    }

    fn owned_sets(&self, key: &ObjectKey, uid: &str) -> Vec<Set> {
        let mut sets: Vec<Set> = self
            .store
            .indexed(OWNERS, &format!("{}/{uid}", key.namespace))
            .filter_map(|k| {
                let object = (**self.store.get(k)?).clone();
                let template = object
                    .pointer("/spec/template")
                    .cloned()
                    .unwrap_or_default();
                Some(Set {
                    key: k.clone(),
                    replicas: int(object.pointer("/spec/replicas")),
                    runnable: runnable(&template),
                    object,
                    created: false,
                })
            })
            .collect();
        // Oldest first, as the controller orders them (ReplicaSetsByCreationTimestamp).
        sets.sort_by_cached_key(|s| {
            let created = s
                .object
                .pointer("/metadata/creationTimestamp")
                .and_then(Value::as_str)
                .and_then(|t| parse_rfc3339(t).ok())
                .unwrap_or(0);
            (created, s.key.name.clone())
        });
        sets
    }

    fn sync_deployment(&mut self, key: &ObjectKey, mut deployment: Value, now: i64) {
        let uid = deployment
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let template = deployment
            .pointer("/spec/template")
            .cloned()
            .unwrap_or(json!({}));
        let compared = without_hash(&template);
        let plan = Plan::of(&deployment);
        let paused = deployment.pointer("/spec/paused") == Some(&Value::Bool(true));
        let deadline = deployment
            .pointer("/spec/progressDeadlineSeconds")
            .and_then(Value::as_i64)
            .filter(|d| *d != i64::from(i32::MAX));
        let old_status = deployment.get("status").cloned().unwrap_or(json!({}));
        let mut conditions: Vec<Value> = old_status
            .get("conditions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();

        let mut sets = self.owned_sets(key, &uid);
        let new_index = sets.iter().position(|s| {
            s.object
                .pointer("/spec/template")
                .map(without_hash)
                .as_ref()
                == Some(&compared)
        });
        let mut new = new_index.map(|i| sets.remove(i));
        let mut old = sets;
        let max_old_revision = old.iter().map(|s| revision(&s.object)).max().unwrap_or(0);
        let next_revision = max_old_revision.saturating_add(1);
        let new_revision = next_revision.to_string();

        // Paused and resumed Deployments say so in Progressing (sync.go's checkPausedConditions).
        if deadline.is_some() {
            let reason = find_condition(&conditions, "Progressing").map(|c| c["reason"].clone());
            let timed_out = reason == Some(json!("ProgressDeadlineExceeded"));
            let paused_noted = reason == Some(json!("DeploymentPaused"));
            if !timed_out && paused && !paused_noted {
                set_condition(
                    &mut conditions,
                    condition(
                        "Progressing",
                        "Unknown",
                        "DeploymentPaused",
                        "Deployment is paused".into(),
                        now,
                    ),
                );
            } else if !timed_out && !paused && paused_noted {
                set_condition(
                    &mut conditions,
                    condition(
                        "Progressing",
                        "Unknown",
                        "DeploymentResumed",
                        "Deployment is resumed".into(),
                        now,
                    ),
                );
            }
        }

        let mut collision_count = int(old_status.get("collisionCount"));
        if !paused {
            match &mut new {
                Some(set) => {
                    // A template seen before (a rollback) takes the next revision and
                    // remembers the one it had.
                    let had = revision(&set.object);
                    if had < next_revision {
                        set_annotation(&mut set.object, REVISION, &new_revision);
                        if had > 0 {
                            let history =
                                annotation(&set.object, REVISION_HISTORY).unwrap_or_default();
                            let mut revisions: Vec<String> = history
                                .split(',')
                                .filter(|r| !r.is_empty())
                                .map(str::to_owned)
                                .collect();
                            revisions.push(had.to_string());
                            while revisions.join(",").len() > REVISION_HISTORY_CHARS
                                && revisions.len() > 1
                            {
                                revisions.remove(0);
                            }
                            set_annotation(&mut set.object, REVISION_HISTORY, &revisions.join(","));
                        }
                    }
                    if deadline.is_some() && find_condition(&conditions, "Progressing").is_none() {
                        let message = format!("Found new replica set {:?}", set.key.name);
                        set_condition(
                            &mut conditions,
                            condition("Progressing", "True", "FoundNewReplicaSet", message, now),
                        );
                    }
                }
                None => {
                    let Some(created) = self.new_replica_set(
                        key,
                        &deployment,
                        &template,
                        &new_revision,
                        &mut collision_count,
                    ) else {
                        return;
                    };
                    if deadline.is_some() {
                        let message = format!("Created new replica set {:?}", created.key.name);
                        set_condition(
                            &mut conditions,
                            condition("Progressing", "True", "NewReplicaSetCreated", message, now),
                        );
                    }
                    new = Some(created);
                }
            }
        }

        let new_before = new.as_ref().map_or(0, |s| s.replicas);
        match (&mut new, paused) {
            (Some(new), false) if plan.rolling => roll(&plan, new, &mut old),
            (Some(new), false) => {
                // Recreate: the old pods go, then the new ones come.
                old.iter_mut().for_each(|set| set.replicas = 0);
                new.replicas = plan.replicas;
            }
            _ => {
                // Paused: no rollout, but the one active set (or the newest) follows the
                // replica count (sync.go's scale).
                let mut all: Vec<&mut Set> = new.iter_mut().chain(old.iter_mut()).collect();
                let active = all.iter().filter(|s| s.replicas > 0).count();
                let target = match active {
                    1 => all.iter_mut().find(|s| s.replicas > 0),
                    0 => all.first_mut(),
                    _ => None,
                };
                if let Some(set) = target {
                    set.replicas = plan.replicas;
                }
            }
        }

        // Write the sets that changed; old ones beyond the history limit are removed.
        let copied: Vec<(String, String)> = deployment
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(name, _)| !NOT_COPIED.contains(&name.as_str()))
            .filter_map(|(name, value)| Some((name.clone(), value.as_str()?.to_owned())))
            .collect();
        let max_replicas = (plan.replicas + plan.surge).to_string();
        let desired = plan.replicas.to_string();
        let new_key = new.as_ref().map(|s| s.key.clone());
        let mut scalings = Vec::new();
        for set in new.iter_mut().chain(old.iter_mut()) {
            let is_new = Some(&set.key) == new_key.as_ref();
            if let Some(from) = self.write_replica_set(
                set,
                is_new.then_some(copied.as_slice()),
                &desired,
                &max_replicas,
                now,
            ) {
                scalings.push((set.key.name.clone(), from, set.replicas));
            }
        }
        // New pods first, as the rolling updater scales up before it scales down.
        scalings.sort_by_key(|(_, from, to)| to < from);
        for (name, from, to) in scalings {
            let direction = if to > from { "up" } else { "down" };
            let message = format!("Scaled {direction} replica set {name} to {to} from {from}");
            self.record_event(key, &deployment, "ScalingReplicaSet", &message, now);
        }
        if let Some(limit) = deployment
            .pointer("/spec/revisionHistoryLimit")
            .and_then(Value::as_i64)
        {
            let mut idle: Vec<&Set> = old
                .iter()
                .filter(|s| s.replicas == 0 && int(s.object.pointer("/status/replicas")) == 0)
                .collect();
            idle.sort_by_key(|s| revision(&s.object));
            let extra = idle
                .len()
                .saturating_sub(usize::try_from(limit.max(0)).unwrap_or(0));
            let doomed: Vec<ObjectKey> = idle.iter().take(extra).map(|s| s.key.clone()).collect();
            old.retain(|s| !doomed.contains(&s.key));
            for key in doomed {
                self.remove_object(&key, "Background");
            }
        }

        // The Deployment's revision and status (sync.go's calculateStatus, progress.go).
        let mut annotations_changed = false;
        if let Some(set) = &new {
            let revision = revision(&set.object).to_string();
            annotations_changed = set_annotation(&mut deployment, REVISION, &revision);
        }
        let all: Vec<&Set> = new.iter().chain(old.iter()).collect();
        let total: i64 = all.iter().map(|s| s.replicas).sum();
        let available: i64 = all.iter().map(|s| s.available()).sum();
        let updated = new.as_ref().map_or(0, |s| s.replicas);
        let generation = deployment
            .pointer("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let mut status = counts(&[
            ("replicas", total),
            ("updatedReplicas", updated),
            ("readyReplicas", available),
            ("availableReplicas", available),
            ("unavailableReplicas", (total - available).max(0)),
            ("collisionCount", collision_count),
        ]);
        status.insert("observedGeneration".into(), generation.clone());
        if available >= plan.replicas - plan.unavailable {
            set_condition(
                &mut conditions,
                condition(
                    "Available",
                    "True",
                    "MinimumReplicasAvailable",
                    "Deployment has minimum availability.".into(),
                    now,
                ),
            );
        } else {
            set_condition(
                &mut conditions,
                condition(
                    "Available",
                    "False",
                    "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.".into(),
                    now,
                ),
            );
        }
        match deadline {
            None => conditions.retain(|c| c["type"] != "Progressing"),
            Some(_) if paused => {}
            Some(deadline) => {
                let current = find_condition(&conditions, "Progressing").cloned();
                let complete_before = total == updated
                    && current
                        .as_ref()
                        .is_some_and(|c| c["reason"] == "NewReplicaSetAvailable");
                if !complete_before {
                    let name = new.as_ref().map(|s| s.key.name.clone()).unwrap_or_default();
                    let old_count = |field: &str| int(old_status.get(field));
                    let complete = updated == plan.replicas
                        && total == plan.replicas
                        && available == plan.replicas;
                    // A new set that grew is progress: its pods appear after it is scaled, which
                    // the real controller sees as more updated replicas on its next sync.
                    let progressed = updated > new_before
                        || updated > old_count("updatedReplicas")
                        || available > old_count("readyReplicas")
                        || available > old_count("availableReplicas")
                        || total - updated < old_count("replicas") - old_count("updatedReplicas");
                    let stalled_since = current
                        .as_ref()
                        .and_then(|c| c["lastUpdateTime"].as_str())
                        .and_then(|t| parse_rfc3339(t).ok());
                    if complete {
                        set_condition(
                            &mut conditions,
                            condition(
                                "Progressing",
                                "True",
                                "NewReplicaSetAvailable",
                                format!("ReplicaSet {name:?} has successfully progressed."),
                                now,
                            ),
                        );
                    } else if progressed {
                        let mut progressing = condition(
                            "Progressing",
                            "True",
                            "ReplicaSetUpdated",
                            format!("ReplicaSet {name:?} is progressing."),
                            now,
                        );
                        if let Some(current) = current.as_ref().filter(|c| c["status"] == "True") {
                            progressing["lastTransitionTime"] =
                                current["lastTransitionTime"].clone();
                        }
                        conditions.retain(|c| c["type"] != "Progressing");
                        conditions.push(progressing);
                    } else if stalled_since.is_some_and(|since| {
                        since.saturating_add(deadline.saturating_mul(1000)) < now
                    }) {
                        set_condition(
                            &mut conditions,
                            condition(
                                "Progressing",
                                "False",
                                "ProgressDeadlineExceeded",
                                format!("ReplicaSet {name:?} has timed out progressing."),
                                now,
                            ),
                        );
                    }
                }
            }
        }
        if !conditions.is_empty() {
            status.insert("conditions".into(), Value::Array(conditions));
        }
        let status = Value::Object(status);
        if annotations_changed || deployment.get("status") != Some(&status) {
            deployment["status"] = status;
            self.store.put(key.clone(), deployment);
        }
    }

    /// The ReplicaSet of a new template, named by its hash, not yet stored; a name taken by
    /// another template counts a collision and hashes again (sync.go's getNewReplicaSet).
    fn new_replica_set(
        &self,
        key: &ObjectKey,
        deployment: &Value,
        template: &Value,
        revision: &str,
        collision_count: &mut i64,
    ) -> Option<Set> {
        for _ in 0..16 {
            let hash = template_hash(&without_hash(template), *collision_count);
            let name = format!("{}-{hash}", key.name);
            let rs_key = ObjectKey {
                resource: "replicasets",
                namespace: key.namespace.clone(),
                name: name.clone(),
            };
            if self.store.get(&rs_key).is_some() {
                *collision_count = collision_count.saturating_add(1);
                continue;
            }
            let mut labels = template
                .pointer("/metadata/labels")
                .cloned()
                .unwrap_or(json!({}));
            labels[HASH_LABEL] = json!(hash);
            let mut rs_template = template.clone();
            rs_template["metadata"]["labels"] = labels.clone();
            let mut selector = deployment
                .pointer("/spec/selector")
                .cloned()
                .unwrap_or(json!({}));
            selector["matchLabels"][HASH_LABEL] = json!(hash);
            let mut spec = json!({"replicas": 0, "selector": selector, "template": rs_template});
            if let Some(ready) = deployment.pointer("/spec/minReadySeconds") {
                spec["minReadySeconds"] = ready.clone();
            }
            let rs = json!({
                "kind": "ReplicaSet",
                "apiVersion": "apps/v1",
                "metadata": {
                    "name": name,
                    "namespace": key.namespace,
                    "labels": labels,
                    "annotations": {REVISION: revision},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": key.name, "uid": deployment.pointer("/metadata/uid").cloned().unwrap_or_default(), "controller": true, "blockOwnerDeletion": true}],
                },
                "spec": spec,
                "status": {"replicas": 0},
            });
            // Stored once its first size is known ([`Self::write_replica_set`]).
            return Some(Set {
                key: rs_key,
                object: rs,
                replicas: 0,
                runnable: runnable(template),
                created: true,
            });
        }
        None
    }

    /// Records a Normal event of the deployment controller about a Deployment, as its event
    /// recorder does (`NAME.HEX-NANOSECONDS`, source deployment-controller).
    fn record_event(
        &mut self,
        key: &ObjectKey,
        deployment: &Value,
        reason: &str,
        message: &str,
        now: i64,
    ) {
        let Some(resource) = resources::find("", "v1", "events") else {
            return;
        };
        // Milliseconds carry the time; the cluster version below them keeps names unique.
        let nanos = now
            .saturating_mul(1_000_000)
            .saturating_add(i64::try_from(self.store.resource_version() % 1_000_000).unwrap_or(0));
        let time = format_rfc3339(now);
        let meta = |field: &str| {
            deployment
                .pointer(&format!("/metadata/{field}"))
                .cloned()
                .unwrap_or_default()
        };
        let event = json!({
            "metadata": {"name": format!("{}.{nanos:x}", key.name)},
            "involvedObject": {"kind": "Deployment", "namespace": key.namespace, "name": key.name, "uid": meta("uid"), "apiVersion": "apps/v1", "resourceVersion": meta("resourceVersion")},
            "reason": reason,
            "message": message,
            "source": {"component": "deployment-controller"},
            "firstTimestamp": time,
            "lastTimestamp": time,
            "count": 1,
            "type": "Normal",
            "eventTime": null,
            "reportingComponent": "deployment-controller",
            "reportingInstance": "",
        });
        let _ = self.create_object(resource, Some(&key.namespace), event, now, false);
    }

    /// Stores a set's new replica count, annotations and status when they changed, or a new
    /// set with its first size (created at that size, as the real controller does); a new
    /// replica count is a new generation, as a spec change is. Returns the count it had when
    /// the set was scaled.
    fn write_replica_set(
        &mut self,
        set: &mut Set,
        copied: Option<&[(String, String)]>,
        desired: &str,
        max_replicas: &str,
        now: i64,
    ) -> Option<i64> {
        let stored = if set.created {
            set.object.clone()
        } else {
            (**self.store.get(&set.key)?).clone()
        };
        let mut object = set.object.clone();
        let mut generation = stored
            .pointer("/metadata/generation")
            .and_then(Value::as_i64)
            .unwrap_or(1)
            .max(1);
        let had = int(stored.pointer("/spec/replicas"));
        let scaled = had != set.replicas;
        if scaled {
            object["spec"]["replicas"] = json!(set.replicas);
            if !set.created {
                generation = generation.saturating_add(1);
                object["metadata"]["generation"] = json!(generation);
            }
        }
        for (name, value) in copied.unwrap_or_default() {
            set_annotation(&mut object, name, value);
        }
        // The replica annotations are written whenever the controller scales a set
        // (deployment util's SetReplicasAnnotations in scaleReplicaSet).
        if scaled || set.created || annotation(&object, DESIRED_REPLICAS).is_none() {
            set_annotation(&mut object, DESIRED_REPLICAS, desired);
            set_annotation(&mut object, MAX_REPLICAS, max_replicas);
        }
        let available = set.available();
        let mut status = counts(&[
            ("fullyLabeledReplicas", set.replicas),
            ("readyReplicas", available),
            ("availableReplicas", available),
        ]);
        status.insert("replicas".into(), json!(set.replicas));
        status.insert("observedGeneration".into(), json!(generation));
        object["status"] = Value::Object(status);
        if set.created {
            let resource = resources::find("apps", "v1", "replicasets")?;
            // create_object keeps the status it is given: one write, not restore_object's two.
            let created = self
                .create_object(resource, Some(&set.key.namespace), object, now, false)
                .ok()?;
            set.object = (*created).clone();
            set.created = false;
        } else if object != stored {
            set.object = (*self.store.put(set.key.clone(), object)).clone();
        }
        scaled.then_some(had)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(name: &str, replicas: i64, runnable: bool) -> Set {
        Set {
            key: ObjectKey {
                resource: "replicasets",
                namespace: "demo".into(),
                name: name.into(),
            },
            object: json!({}),
            replicas,
            runnable,
            created: false,
        }
    }

    use crate::api::as_admin as send;

    #[test]
    fn counts_anyone_may_write_cannot_overflow_the_controller() {
        let mut cluster = crate::seed::demo_cluster(1_780_000_000_000);
        // Counts are int32 in the API types: decoding refuses more (kube-apiserver's 400), so
        // the largest a client can write is i32::MAX, and the controller's sums of such counts
        // (replicas + surge, revisions) must not overflow.
        let huge = i64::from(i32::MAX);
        let deployment = json!({
            "metadata": {"name": "huge", "annotations": {REVISION: i64::MAX.to_string()}},
            "spec": {"replicas": huge, "selector": {"matchLabels": {"app": "huge"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": huge, "maxUnavailable": "9223372036854775807%"}},
                "progressDeadlineSeconds": huge, "revisionHistoryLimit": huge,
                "template": {"metadata": {"labels": {"app": "huge"}}, "spec": {"containers": [{"name": "c", "image": " "}]}}},
        });
        let mut too_big = deployment.clone();
        too_big["spec"]["replicas"] = json!(i64::MAX);
        let path = "/apis/apps/v1/namespaces/demo/deployments";
        let (status, _) = send(
            &mut cluster,
            "POST",
            path,
            "application/json",
            &too_big.to_string(),
        );
        assert_eq!(status, 400, "int32 replicas hold no more than i32::MAX");
        let (status, _) = send(
            &mut cluster,
            "POST",
            path,
            "application/json",
            &deployment.to_string(),
        );
        assert_eq!(status, 201);
        let status_patch =
            json!({"status": {"collisionCount": huge, "replicas": huge, "updatedReplicas": huge}});
        let (status, _) = send(
            &mut cluster,
            "PATCH",
            &format!("{path}/huge/status"),
            "application/merge-patch+json",
            &status_patch.to_string(),
        );
        assert_eq!(status, 200);
        let (status, scale) = send(&mut cluster, "GET", &format!("{path}/huge/scale"), "", "");
        assert_eq!(status, 200);
        // The controller kept the counts to int32, as the API types are.
        assert_eq!(scale["status"]["replicas"], i64::from(i32::MAX));
    }

    #[test]
    fn percentages_round_as_the_controller_rounds_them() {
        let plan = Plan::of(&json!({"spec": {"replicas": 4}}));
        assert_eq!((plan.surge, plan.unavailable), (1, 1));
        let plan = Plan::of(&json!({"spec": {"replicas": 3}}));
        assert_eq!((plan.surge, plan.unavailable), (1, 0));
        let plan = Plan::of(
            &json!({"spec": {"replicas": 2, "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}}}}),
        );
        assert_eq!((plan.surge, plan.unavailable), (0, 1));
        let plan = Plan::of(&json!({"spec": {"replicas": 2, "strategy": {"type": "Recreate"}}}));
        assert!(!plan.rolling);
    }

    #[test]
    fn a_template_that_cannot_run_stops_where_the_budgets_stop_it() {
        // 4 replicas: one may surge, one may be unavailable. The new pods never become
        // available, so the old set keeps 3 and the new one gets 2 (4 + 1 - 3).
        let plan = Plan::of(&json!({"spec": {"replicas": 4}}));
        let mut new = set("new", 0, false);
        let mut old = vec![set("old", 4, true)];
        roll(&plan, &mut new, &mut old);
        assert_eq!((new.replicas, old[0].replicas), (2, 3));
        // 1 replica: the surge pod waits beside the old one.
        let plan = Plan::of(&json!({"spec": {"replicas": 1}}));
        let mut new = set("new", 0, false);
        let mut old = vec![set("old", 1, true)];
        roll(&plan, &mut new, &mut old);
        assert_eq!((new.replicas, old[0].replicas), (1, 1));
        // A runnable template replaces every old pod.
        let mut new = set("new", 0, true);
        let mut old = vec![set("a", 1, true), set("b", 2, false)];
        roll(&plan, &mut new, &mut old);
        assert_eq!((new.replicas, old[0].replicas, old[1].replicas), (1, 0, 0));
    }

    #[test]
    fn conditions_keep_their_transition_time_while_their_status_holds() {
        let mut conditions = vec![condition(
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            "a".into(),
            1_000,
        )];
        set_condition(
            &mut conditions,
            condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "b".into(),
                2_000,
            ),
        );
        set_condition(
            &mut conditions,
            condition(
                "Progressing",
                "True",
                "NewReplicaSetAvailable",
                "c".into(),
                3_000,
            ),
        );
        let kinds: Vec<&Value> = conditions.iter().map(|c| &c["type"]).collect();
        assert_eq!(kinds, [&json!("Available"), &json!("Progressing")]);
        assert_eq!(
            conditions[1]["lastTransitionTime"],
            json!(format_rfc3339(1_000))
        );
        assert_eq!(
            conditions[1]["lastUpdateTime"],
            json!(format_rfc3339(3_000))
        );
        let unchanged = conditions.clone();
        set_condition(
            &mut conditions,
            condition(
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "b".into(),
                9_000,
            ),
        );
        assert_eq!(conditions, unchanged);
    }

    #[test]
    fn templates_compare_as_typed_objects_do() {
        let stored = json!({"metadata": {"labels": {"app": "web", HASH_LABEL: "abc"}}, "spec": {"containers": [{"name": "web", "image": "x"}]}});
        let via_go_types = json!({"metadata": {"creationTimestamp": null, "labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "x", "resources": {}}], "volumes": []}});
        assert_eq!(without_hash(&stored), without_hash(&via_go_types));
        let other = json!({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "y"}]}});
        assert_ne!(without_hash(&stored), without_hash(&other));
    }

    #[test]
    fn template_hashes_read_like_the_controllers() {
        let hash = template_hash(&json!({"spec": {"containers": []}}), 0);
        assert!(!hash.is_empty() && hash.len() <= 10, "{hash}");
        assert!(hash.bytes().all(|b| SAFE_ALPHABET.contains(&b)), "{hash}");
        assert_ne!(hash, template_hash(&json!({"spec": {"containers": []}}), 1));
    }
}
