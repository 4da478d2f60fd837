//! The in-browser transport: the demo cluster (crates/demo, devcluster's API in a Web Worker)
//! answers instead of a server. Requests and answers travel by `postMessage` (the protocol is
//! documented in crates/demo); pages get the same status codes, JSON bodies, `Status` errors
//! and watch lines as over HTTP, so they cannot tell the two apart.
//!
//! The worker is started on the first request, once per page, and shared by every client that
//! uses this transport. In the static demo (`config.json` `"demo": true`) the page keeps the
//! cluster's state: the worker's first message is the state kept in `localStorage` (if any),
//! and every state the worker sends after a change replaces it ([`reset`] forgets it). Its files are not part of the first load: the browser fetches them only
//! when someone chooses the demo.

use super::transport::{ApiCall, WatchHandle, WatchMessage};
use super::{status_from_body, ApiError};
use js_sys::{Function, Object, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The worker's loader script, which trunk writes next to index.html. A relative URL: the
/// browser resolves it against the document's base URL, so the demo works under a sub-path.
const WORKER_SCRIPT: &str = "imagestream-demo-worker_loader.js";

/// The token of the demo cluster's user `developer` (devcluster's seed), sent in
/// `authorization` as the HTTP transport would send it.
const DEMO_TOKEN: &str = "sha256~developer-devcluster-token";

#[wasm_bindgen]
extern "C" {
    /// `Worker`, bound here so the console needs no extra web-sys features.
    type Worker;
    #[wasm_bindgen(constructor, catch)]
    fn new(url: &str) -> Result<Worker, JsValue>;
    #[wasm_bindgen(method, js_name = postMessage)]
    fn post_message(this: &Worker, message: &JsValue);
    #[wasm_bindgen(method)]
    fn terminate(this: &Worker);
    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &Worker, handler: &Function);
    #[wasm_bindgen(method, setter)]
    fn set_onerror(this: &Worker, handler: &Function);
}

/// Requests to the demo cluster in this page's Web Worker, as the demo user.
#[derive(Debug, Clone, PartialEq)]
pub struct InBrowser {
    /// Bearer token, checked by the demo cluster exactly as the server checks it.
    pub token: Option<String>,
    /// Whether the cluster's state is kept across reloads (the static demo).
    pub persist: bool,
}

impl InBrowser {
    /// As the demo cluster's user `developer`; with `persist`, the cluster continues where it
    /// was after a reload.
    pub fn demo_user(persist: bool) -> Self {
        Self {
            token: Some(DEMO_TOKEN.to_owned()),
            persist,
        }
    }

    /// Sends `call` and returns the status and body of the answer.
    pub async fn send(&self, call: &ApiCall) -> Result<(u16, String), ApiError> {
        let mut settle = None;
        let promise = Promise::new(&mut |resolve, reject| settle = Some((resolve, reject)));
        let (resolve, reject) = settle.ok_or_else(|| network("no promise"))?;
        self.start(
            call.method,
            &call.path,
            call.body.as_deref(),
            call.content_type,
            Pending::Call(resolve, reject),
        )?;
        let reply = JsFuture::from(promise)
            .await
            .map_err(|err| network(&err.as_string().unwrap_or_default()))?;
        let status = field(&reply, "status").as_f64().unwrap_or(0.0) as u16;
        let body = field(&reply, "body").as_string().unwrap_or_default();
        Ok((status, body))
    }

    /// Opens `path` (a `?watch=1` list) and hands every event line to `listener`.
    pub fn watch(&self, path: &str, listener: impl FnMut(WatchMessage) + 'static) -> WatchHandle {
        self.watch_with(path, Rc::new(RefCell::new(listener)))
    }

    /// [`Self::watch`] without its type parameter: one copy for every kind of listener.
    fn watch_with(&self, path: &str, listener: Listener) -> WatchHandle {
        let stopped = Rc::new(Cell::new(false));
        let pending = Pending::Watch(stopped.clone(), listener.clone());
        match self.start("GET", path, None, "", pending) {
            Ok(id) => WatchHandle::with_cancel(stopped, Box::new(move || cancel(id))),
            Err(err) => {
                // Told after `watch` returns, as a failed fetch would be.
                let flag = stopped.clone();
                leptos::task::spawn_local(async move {
                    deliver(&flag, &listener, WatchMessage::Closed(Some(err)));
                });
                WatchHandle::with_cancel(stopped, Box::new(|| {}))
            }
        }
    }

    /// Posts one request (starting the worker if needed) and records who waits for it.
    fn start(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&str>,
        content_type: &str,
        pending: Pending,
    ) -> Result<u32, ApiError> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let message = Object::new();
        set(&message, "method", &method.into());
        set(&message, "path", &path.into());
        set(&message, "query", &query.into());
        set(&message, "accept", &"application/json".into());
        if let Some(token) = &self.token {
            set(&message, "authorization", &format!("Bearer {token}").into());
        }
        if let Some(body) = body {
            set(&message, "body", &body.into());
            set(&message, "contentType", &content_type.into());
        }
        CONNECTION.with_borrow_mut(|slot| {
            let connection = match slot {
                Some(connection) => connection,
                None => slot.insert(Connection::open(self.persist)?),
            };
            let id = connection.next_id;
            connection.next_id += 1;
            set(&message, "id", &id.into());
            connection.pending.push((id, pending));
            connection.post(message.into());
            Ok(id)
        })
    }
}

type Listener = Rc<RefCell<dyn FnMut(WatchMessage)>>;

/// Who waits for a request's answer.
enum Pending {
    /// A call: the promise `send` awaits (resolved with the reply, rejected if the worker fails).
    Call(Function, Function),
    /// A watch: its stop flag and listener.
    Watch(Rc<Cell<bool>>, Listener),
}

/// The page's one worker and the requests it has not finished.
struct Connection {
    worker: Worker,
    /// The worker said it listens; until then messages wait in `queued`.
    ready: bool,
    queued: Vec<JsValue>,
    next_id: u32,
    pending: Vec<(u32, Pending)>,
}

thread_local! {
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

impl Connection {
    /// Starts the worker; with `persist`, its first message gives it the kept state.
    fn open(persist: bool) -> Result<Self, ApiError> {
        let worker = Worker::new(WORKER_SCRIPT).map_err(|err| {
            network(
                &err.as_string()
                    .unwrap_or_else(|| "the browser refused to start it".into()),
            )
        })?;
        let on_message = Closure::<dyn FnMut(JsValue)>::new(on_message);
        worker.set_onmessage(on_message.as_ref().unchecked_ref());
        on_message.forget();
        let on_error = Closure::<dyn FnMut(JsValue)>::new(on_error);
        worker.set_onerror(on_error.as_ref().unchecked_ref());
        on_error.forget();
        let mut queued = Vec::new();
        if persist {
            let message = Object::new();
            set(&message, "persist", &JsValue::TRUE);
            if let Some(state) = super::session::demo_state() {
                set(&message, "state", &state.into());
            }
            queued.push(message.into());
        }
        Ok(Self {
            worker,
            ready: false,
            queued,
            next_id: 1,
            pending: Vec::new(),
        })
    }

    fn post(&mut self, message: JsValue) {
        if self.ready {
            self.worker.post_message(&message);
        } else {
            self.queued.push(message);
        }
    }
}

/// An answer, a watch line, a watch's end, or the worker saying it is ready.
fn on_message(event: JsValue) {
    let data = field(&event, "data");
    if field(&data, "ready").is_truthy() {
        CONNECTION.with_borrow_mut(|slot| {
            if let Some(connection) = slot {
                connection.ready = true;
                for message in std::mem::take(&mut connection.queued) {
                    connection.worker.post_message(&message);
                }
            }
        });
        return;
    }
    if let Some(state) = field(&data, "state").as_string() {
        return super::session::keep_demo_state(&state);
    }
    if let Some(error) = field(&data, "restoreFailed").as_string() {
        leptos::logging::warn!("the demo cluster started afresh: {error}");
        return super::session::forget_demo_state();
    }
    let Some(id) = field(&data, "id").as_f64().map(|id| id as u32) else {
        return;
    };
    let line = field(&data, "line").as_string();
    // A watch keeps its entry while lines arrive; anything else is its last message.
    let entry = CONNECTION.with_borrow_mut(|slot| {
        let pending = &mut slot.as_mut()?.pending;
        let index = pending.iter().position(|(other, _)| *other == id)?;
        match (&line, &pending[index].1) {
            (Some(_), Pending::Watch(stopped, listener)) => {
                Some(Pending::Watch(stopped.clone(), listener.clone()))
            }
            _ => Some(pending.swap_remove(index).1),
        }
    });
    match entry {
        Some(Pending::Call(resolve, _)) => {
            let _ = resolve.call1(&JsValue::NULL, &data);
        }
        Some(Pending::Watch(stopped, listener)) => {
            if let Some(line) = line {
                return deliver(&stopped, &listener, WatchMessage::Line(line));
            }
            if field(&data, "closed").is_truthy() {
                return deliver(&stopped, &listener, WatchMessage::Closed(None));
            }
            // The request did not open a watch: its answer, as the HTTP transport reports it.
            let status = field(&data, "status").as_f64().unwrap_or(0.0) as u16;
            let body = field(&data, "body").as_string().unwrap_or_default();
            if (200..300).contains(&status) {
                if !body.trim().is_empty() {
                    deliver(&stopped, &listener, WatchMessage::Line(body));
                }
                deliver(&stopped, &listener, WatchMessage::Closed(None));
            } else {
                let status = status_from_body(status, &body);
                let error = ApiError::Status(Box::new(status));
                deliver(&stopped, &listener, WatchMessage::Closed(Some(error)));
            }
        }
        None => {}
    }
}

/// The worker failed (its files could not load, or it stopped): every waiting request fails
/// with the reason, and the next request starts a new worker.
fn on_error(event: JsValue) {
    let detail = field(&event, "message")
        .as_string()
        .filter(|message| !message.is_empty())
        .unwrap_or_else(|| "its files could not be loaded".into());
    let Some(connection) = CONNECTION.with_borrow_mut(Option::take) else {
        return;
    };
    connection.worker.terminate();
    for (_, pending) in connection.pending {
        match pending {
            Pending::Call(_, reject) => {
                let _ = reject.call1(&JsValue::NULL, &detail.as_str().into());
            }
            Pending::Watch(stopped, listener) => {
                let error = network(&detail);
                deliver(&stopped, &listener, WatchMessage::Closed(Some(error)));
            }
        }
    }
}

/// "Reset demo": stops the worker (so no state it sends afterwards is kept) and forgets the
/// kept state; the caller reloads the page, which starts the demo from its seed.
pub fn reset() {
    if let Some(connection) = CONNECTION.with_borrow_mut(Option::take) {
        connection.worker.terminate();
    }
    super::session::forget_demo_state();
}

/// Stops watch `id`: forgets its listener and tells the worker.
fn cancel(id: u32) {
    let removed = CONNECTION.with_borrow_mut(|slot| {
        let connection = slot.as_mut()?;
        let index = connection
            .pending
            .iter()
            .position(|(other, _)| *other == id)?;
        let message = Object::new();
        set(&message, "cancel", &id.into());
        connection.post(message.into());
        Some(connection.pending.swap_remove(index))
    });
    // Dropped outside the borrow: a listener's captures may stop other watches.
    drop(removed);
}

fn deliver(
    stopped: &Cell<bool>,
    listener: &RefCell<dyn FnMut(WatchMessage)>,
    message: WatchMessage,
) {
    if !stopped.get() {
        (listener.borrow_mut())(message);
    }
}

fn network(detail: &str) -> ApiError {
    ApiError::Network(crate::i18n::tf(
        "the demo cluster in this page failed: {detail}",
        &[("detail", detail)],
    ))
}

fn field(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or_default()
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}
