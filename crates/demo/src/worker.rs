//! `postMessage` glue: plain JavaScript objects in, [`Message`]s out, `Date.now()` as the clock
//! and a one-second timer for watch timeouts, bookmarks and scheduled imports.

use imagestream_demo::{DemoCluster, Message, Request, TICK_EVERY_MILLIS};
use js_sys::{Object, Reflect};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Seeds the cluster, listens for requests, starts the timer and tells the page it is ready.
pub fn start() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        return;
    };
    let demo = Rc::new(RefCell::new(DemoCluster::new(now())));

    let (on_message_scope, on_message_demo) = (scope.clone(), demo.clone());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let data = event.data();
        if let Some(id) = Reflect::get(&data, &"cancel".into())
            .ok()
            .and_then(|id| id.as_f64())
        {
            on_message_demo.borrow_mut().cancel(id as u64);
            return;
        }
        if Reflect::get(&data, &"persist".into()).is_ok_and(|persist| persist.is_truthy()) {
            let state = text(&data, "state");
            let messages = on_message_demo.borrow_mut().persist(state.as_deref());
            post_all(&on_message_scope, messages);
            return;
        }
        let request = read_request(&data);
        let messages = on_message_demo.borrow_mut().request(request, now());
        post_all(&on_message_scope, messages);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();

    let tick_scope = scope.clone();
    let tick = Closure::<dyn FnMut()>::new(move || {
        let messages = demo.borrow_mut().tick(now());
        post_all(&tick_scope, messages);
    });
    let _ = scope.set_interval_with_callback_and_timeout_and_arguments_0(
        tick.as_ref().unchecked_ref(),
        TICK_EVERY_MILLIS,
    );
    tick.forget();

    let ready = Object::new();
    set(&ready, "ready", &JsValue::TRUE);
    let _ = scope.post_message(&ready);
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

fn text(data: &JsValue, key: &str) -> Option<String> {
    Reflect::get(data, &key.into()).ok()?.as_string()
}

fn read_request(data: &JsValue) -> Request {
    Request {
        id: Reflect::get(data, &"id".into())
            .ok()
            .and_then(|id| id.as_f64())
            .unwrap_or(0.0) as u64,
        method: text(data, "method").unwrap_or_else(|| "GET".into()),
        path: text(data, "path").unwrap_or_default(),
        query: text(data, "query").unwrap_or_default(),
        body: text(data, "body").unwrap_or_default(),
        content_type: text(data, "contentType").unwrap_or_default(),
        accept: text(data, "accept").unwrap_or_default(),
        authorization: text(data, "authorization"),
    }
}

fn set(object: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(object, &key.into(), value);
}

fn post_all(scope: &DedicatedWorkerGlobalScope, messages: Vec<Message>) {
    for message in messages {
        let object = Object::new();
        match message {
            Message::Reply { id, status, body } => {
                set(&object, "id", &(id as f64).into());
                set(&object, "status", &f64::from(status).into());
                set(&object, "body", &body.into());
            }
            Message::Line { id, line } => {
                set(&object, "id", &(id as f64).into());
                set(&object, "line", &line.into());
            }
            Message::Closed { id } => {
                set(&object, "id", &(id as f64).into());
                set(&object, "closed", &JsValue::TRUE);
            }
            Message::State { state } => set(&object, "state", &state.into()),
            Message::RestoreFailed { error } => set(&object, "restoreFailed", &error.into()),
        }
        let _ = scope.post_message(&object);
    }
}
