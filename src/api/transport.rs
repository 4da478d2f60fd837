//! How requests reach a cluster. Pages never see this: they call [`super::Client`], which sends
//! the same paths and reads the same JSON, `Status` errors and watch lines whichever transport
//! carries them (see DESIGN.md, "one client, two transports").

use super::{status_from_body, ApiError};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// One API call: method, path (with its query) and an optional JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiCall {
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path and query, starting with `/`.
    pub path: String,
    /// Request body, sent as `content_type`.
    pub body: Option<String>,
    /// Content type of the body (JSON, merge patch, ...).
    pub content_type: &'static str,
}

impl ApiCall {
    /// A GET of `path`.
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: "GET",
            path: path.into(),
            body: None,
            content_type: "application/json",
        }
    }
}

/// What a watch tells its listener.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchMessage {
    /// One watch event, as the JSON line the server sent.
    Line(String),
    /// The stream ended: cleanly (`None`, the server closed it) or with an error. No message
    /// follows a `Closed`.
    Closed(Option<ApiError>),
}

/// A running watch. Dropping it stops the stream; no message is delivered after that.
pub struct WatchHandle {
    stopped: Rc<Cell<bool>>,
    abort: Option<web_sys::AbortController>,
    cancel: Option<Box<dyn FnOnce()>>,
}

impl WatchHandle {
    fn new(abort: Option<web_sys::AbortController>) -> Self {
        Self {
            stopped: Rc::new(Cell::new(false)),
            abort,
            cancel: None,
        }
    }

    /// A handle for a transport that stops its own stream: `stopped` is set (the transport
    /// delivers nothing once it is) and `cancel` runs once.
    pub(crate) fn with_cancel(stopped: Rc<Cell<bool>>, cancel: Box<dyn FnOnce()>) -> Self {
        Self {
            stopped,
            abort: None,
            cancel: Some(cancel),
        }
    }

    /// Stops the stream now.
    pub fn stop(&mut self) {
        self.stopped.set(true);
        if let Some(controller) = self.abort.take() {
            forget_open(&controller);
            controller.abort();
        }
        if let Some(cancel) = self.cancel.take() {
            cancel();
        }
    }
}

impl Drop for WatchHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

thread_local! {
    /// The watches this page has open, so leaving the page closes them.
    static OPEN_WATCHES: std::cell::RefCell<Vec<web_sys::AbortController>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// Whether the `pagehide` listener is installed.
    static PAGEHIDE_LISTENING: Cell<bool> = const { Cell::new(false) };
}

/// Keeps `controller` until its watch stops, and makes sure leaving the page aborts it: a
/// browser may keep a left page alive for a while (back/forward cache) with its streaming
/// requests open, and over HTTP/1.1 every open watch holds one of the six connections a
/// browser allows per server, which the next page then waits for.
fn remember_open(controller: &web_sys::AbortController) {
    OPEN_WATCHES.with(|open| open.borrow_mut().push(controller.clone()));
    if PAGEHIDE_LISTENING.with(|listening| listening.replace(true)) {
        return;
    }
    if let Some(window) = web_sys::window() {
        let on_hide = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(|| {
            let open = OPEN_WATCHES.with(|open| std::mem::take(&mut *open.borrow_mut()));
            for controller in open {
                controller.abort();
            }
        });
        let _ =
            window.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
        // Lives as long as the page.
        on_hide.forget();
    }
}

/// Drops `controller` from the open watches (its watch stopped).
fn forget_open(controller: &web_sys::AbortController) {
    OPEN_WATCHES.with(|open| {
        open.borrow_mut()
            .retain(|kept| !js_sys::Object::is(kept.as_ref(), controller.as_ref()))
    });
}

/// HTTP to the cluster with `fetch`: real OpenShift, `oc proxy`, or devcluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetch {
    /// Base URL without a trailing slash; empty for the page's own origin.
    pub api_server: String,
    /// Bearer token, sent only in the Authorization header.
    pub token: Option<String>,
}

impl Fetch {
    fn request(&self, call: &ApiCall) -> Result<gloo_net::http::Request, ApiError> {
        let url = format!("{}{}", self.api_server, call.path);
        let mut builder = gloo_net::http::RequestBuilder::new(&url)
            .method(method(call.method))
            .header("Accept", "application/json");
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", &format!("Bearer {token}"));
        }
        let request = match &call.body {
            Some(body) => builder
                .header("Content-Type", call.content_type)
                .body(body.clone()),
            None => builder.build(),
        };
        request.map_err(|err| ApiError::Network(err.to_string()))
    }

    /// Sends `call` and returns the status and body of the answer.
    pub async fn send(&self, call: &ApiCall) -> Result<(u16, String), ApiError> {
        let response = self
            .request(call)?
            .send()
            .await
            .map_err(|err| ApiError::Network(err.to_string()))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|err| ApiError::Network(err.to_string()))?;
        Ok((status, body))
    }

    /// Opens `path` (a `?watch=1` list) and hands every line to `listener` as it arrives.
    pub fn watch(&self, path: &str, listener: impl FnMut(WatchMessage) + 'static) -> WatchHandle {
        let controller = web_sys::AbortController::new().ok();
        if let Some(controller) = &controller {
            remember_open(controller);
        }
        let handle = WatchHandle::new(controller.clone());
        let stopped = handle.stopped.clone();
        let request = gloo_net::http::RequestBuilder::new(&format!("{}{}", self.api_server, path))
            .header("Accept", "application/json")
            .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
        let request = match &self.token {
            Some(token) => request.header("Authorization", &format!("Bearer {token}")),
            None => request,
        };
        leptos::task::spawn_local(stream_lines(request, stopped, listener));
        handle
    }
}

fn method(name: &str) -> gloo_net::http::Method {
    use gloo_net::http::Method;
    match name {
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    }
}

/// Reads a streamed response body line by line until it ends, fails, or the watch is stopped.
async fn stream_lines(
    request: gloo_net::http::RequestBuilder,
    stopped: Rc<Cell<bool>>,
    mut listener: impl FnMut(WatchMessage),
) {
    let mut deliver = |message: WatchMessage| {
        if !stopped.get() {
            listener(message);
        }
    };
    let response = match request.send().await {
        Ok(response) => response,
        Err(err) => {
            return deliver(WatchMessage::Closed(Some(ApiError::Network(
                err.to_string(),
            ))))
        }
    };
    let status = response.status();
    if !(200..300).contains(&status) {
        let body = response.text().await.unwrap_or_default();
        return deliver(WatchMessage::Closed(Some(ApiError::Status(Box::new(
            status_from_body(status, &body),
        )))));
    }
    let Some(reader) = response.body().map(|body| {
        body.get_reader()
            .unchecked_into::<web_sys::ReadableStreamDefaultReader>()
    }) else {
        return deliver(WatchMessage::Closed(None));
    };
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let chunk = match JsFuture::from(reader.read()).await {
            Ok(chunk) => chunk,
            Err(err) => {
                let detail = err
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .unwrap_or_else(|| crate::i18n::t("the watch stream broke").into());
                return deliver(WatchMessage::Closed(Some(ApiError::Network(detail))));
            }
        };
        if stopped.get() {
            return;
        }
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .map(|done| done.is_truthy())
            .unwrap_or(true);
        if done {
            if !pending.is_empty() {
                deliver(WatchMessage::Line(
                    String::from_utf8_lossy(&pending).into_owned(),
                ));
            }
            return deliver(WatchMessage::Closed(None));
        }
        if let Ok(value) = js_sys::Reflect::get(&chunk, &"value".into()) {
            if let Some(bytes) = value.dyn_ref::<js_sys::Uint8Array>() {
                pending.extend_from_slice(&bytes.to_vec());
            }
        }
        for line in take_lines(&mut pending) {
            deliver(WatchMessage::Line(line));
        }
    }
}

/// Removes the complete lines from the front of `pending` (keeping a partial last line).
fn take_lines(pending: &mut Vec<u8>) -> Vec<String> {
    let Some(last_newline) = pending.iter().rposition(|&byte| byte == b'\n') else {
        return Vec::new();
    };
    let rest = pending.split_off(last_newline + 1);
    let complete = std::mem::replace(pending, rest);
    complete
        .split(|&byte| byte == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::take_lines;

    #[test]
    fn lines_split_across_chunks_are_joined() {
        let mut pending = b"{\"type\":\"ADDED\"}\n{\"type\":\"MOD".to_vec();
        assert_eq!(take_lines(&mut pending), vec!["{\"type\":\"ADDED\"}"]);
        pending.extend_from_slice(b"IFIED\"}\n\n");
        assert_eq!(take_lines(&mut pending), vec!["{\"type\":\"MODIFIED\"}"]);
        assert!(pending.is_empty());
    }
}
