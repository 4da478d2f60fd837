//! Chrome-less views for dashboards (issue 7): one image stream's tags, one tag's digest and
//! history, and a project's "what runs where", at `/embed/ns/:ns/…`, to be shown in an iframe.
//!
//! An embed has no masthead or navigation (with `?actions=1`, results are still announced
//! in the console's live regions); it stays current through the same live
//! lists as the console's pages ([`LiveList`]); it reports its height to the page that frames
//! it (`postMessage`, see [`HEIGHT_MESSAGE`]) so the host can size the iframe to fit; it takes
//! its theme (`?theme=dark|light`) and language (`?lang=fr|en`, read by [`crate::i18n::init`])
//! from the query; it is read-only unless `?actions=1`; and its links open the full console in
//! a new tab. Without a session it offers a link to log in (in a new tab) instead of the form.

use crate::api::{resource_path, ApiError, APPS_V1, IMAGE_V1};
use crate::auth::Auth;
use crate::components::add_tag::AddTagButton;
use crate::components::clock::{ago, use_now};
use crate::components::connection_status::ConnectionStatus;
use crate::components::copy_button::CopyButton;
use crate::components::delete_dialog::{DeleteImageStreamButton, DeleteTagButton};
use crate::components::history_timeline::HistoryTimeline;
use crate::components::reimport::ReimportButton;
use crate::i18n::{t, tf};
use crate::live::{Connection, LiveList};
use crate::pages::deployments::{dom, percent_decode, DeploymentsPage};
use crate::pages::imagestream::{uses_by_tag, LoadError, TagsTable};
use crate::pages::imagestreamtag::history_tree;
use imagestream_model::tags::{alias_target, tag_view, tag_views, TagSource, TagView};
use imagestream_model::{Deployment, ImageStream};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use std::cell::Cell;
use std::rc::Rc;
use stylers_macro::style;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Every embed route starts with this; the masthead and toasts stay away from such paths.
pub const EMBED_PREFIX: &str = "/embed/";

/// The `type` of the message an embed posts to the page that frames it whenever its height
/// changes: `{type: "imagestream-console:height", height: <CSS pixels, an integer>, path:
/// <location.pathname>}`.
pub const HEIGHT_MESSAGE: &str = "imagestream-console:height";

/// Whether `path` is one of the embed routes.
pub fn is_embed_path(path: &str) -> bool {
    path.starts_with(EMBED_PREFIX)
}

/// The console page that shows what the embed at `path` shows: `/embed/ns/…` →
/// `/k8s/ns/…` (the embed routes mirror the console's).
pub fn console_path(path: &str) -> String {
    match path.strip_prefix("/embed") {
        Some(rest) if rest.starts_with('/') => format!("/k8s{rest}"),
        _ => path.to_owned(),
    }
}

/// Which of the embeds a path shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmbedKind {
    /// `/embed/ns/:ns/imagestreams/:name`.
    ImageStream,
    /// `/embed/ns/:ns/imagestreamtags/:name`.
    ImageStreamTag,
    /// `/embed/ns/:ns/deployments`.
    Deployments,
}

/// The embed at `path`, if it is one.
pub fn embed_kind(path: &str) -> Option<EmbedKind> {
    let mut parts = path.strip_prefix("/embed/ns/")?.split('/').skip(1);
    match parts.next()? {
        "imagestreams" => Some(EmbedKind::ImageStream),
        "imagestreamtags" => Some(EmbedKind::ImageStreamTag),
        "deployments" => Some(EmbedKind::Deployments),
        _ => None,
    }
}

/// The embed the route shows (the three embed routes share this view, and one wasm chunk).
#[component]
pub fn EmbedPage() -> impl IntoView {
    match embed_kind(&crate::paths::strip_base(
        &use_location().pathname.get_untracked(),
    )) {
        Some(EmbedKind::ImageStream) => view! { <EmbedImageStreamPage /> }.into_any(),
        Some(EmbedKind::ImageStreamTag) => view! { <EmbedImageStreamTagPage /> }.into_any(),
        Some(EmbedKind::Deployments) => view! { <EmbedDeploymentsPage /> }.into_any(),
        None => ().into_any(),
    }
}

/// The embeds' split point: the route-splitting build (scripts/split-build.sh) moves them into
/// their own wasm chunk, fetched by [`crate::components::lazy_page::LazyPage`] on first use, so
/// the console's first load does not carry them.
#[wasm_split_helpers::wasm_split(embed, fallible)]
pub fn embed_page() -> Result<fn() -> AnyView, wasm_split_helpers::SplitLoaderError> {
    Ok(|| view! { <EmbedPage /> }.into_any())
}

/// What an embed's query string asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmbedOptions {
    /// `?theme=dark` or `?theme=light`; otherwise the system's.
    pub theme: Option<&'static str>,
    /// `?actions=1` (or `true`): offer Re-import, Add tag and Delete; read-only otherwise.
    pub actions: bool,
}

impl EmbedOptions {
    /// Reads `?theme=` and `?actions=` from a query string (unknown values are ignored).
    pub fn from_query(search: &str) -> Self {
        let mut options = EmbedOptions::default();
        for (key, value) in search
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| pair.split_once('='))
        {
            match (key, value) {
                ("theme", "dark") => options.theme = Some("dark"),
                ("theme", "light") => options.theme = Some("light"),
                ("actions", "1" | "true") => options.actions = true,
                _ => {}
            }
        }
        options
    }

    /// The options of this page load (an iframe whose `src` changes loads again).
    pub fn current() -> Self {
        web_sys::window()
            .and_then(|window| window.location().search().ok())
            .map(|search| Self::from_query(&search))
            .unwrap_or_default()
    }
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's `ResizeObserver` (bound here: web-sys has it behind a feature the console
    /// does not otherwise need).
    type ResizeObserver;
    #[wasm_bindgen::prelude::wasm_bindgen(constructor, catch)]
    fn new(callback: &js_sys::Function) -> Result<ResizeObserver, JsValue>;
    #[wasm_bindgen::prelude::wasm_bindgen(method)]
    fn observe(this: &ResizeObserver, target: &web_sys::Element);
    #[wasm_bindgen::prelude::wasm_bindgen(method)]
    fn disconnect(this: &ResizeObserver);
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The browser's `MutationObserver` (bound here for the same reason).
    type MutationObserver;
    #[wasm_bindgen::prelude::wasm_bindgen(constructor, catch)]
    fn new(callback: &js_sys::Function) -> Result<MutationObserver, JsValue>;
    #[wasm_bindgen::prelude::wasm_bindgen(method, js_name = observe)]
    fn observe_with(this: &MutationObserver, target: &web_sys::Node, options: &js_sys::Object);
    #[wasm_bindgen::prelude::wasm_bindgen(method, js_name = disconnect)]
    fn stop(this: &MutationObserver);
}

/// Sets `key` on a plain JavaScript object (only fails on a frozen object, never here).
fn put(object: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}

/// Posts [`HEIGHT_MESSAGE`] to the framing page whenever the content's height changes, until
/// the embed goes away. Nothing happens outside a frame.
fn report_height() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let parent = match window.parent() {
        Ok(Some(parent)) if !js_sys::Object::is(&parent, &window) => parent,
        _ => return,
    };
    let Some(root) = window.document().and_then(|d| d.document_element()) else {
        return;
    };
    let observed = root.clone();
    let last = Rc::new(Cell::new(-1i64));
    let location = window.location();
    let send = Closure::<dyn FnMut()>::new(move || {
        // The document's own height (not the viewport's), rounded up to whole pixels.
        let height = root.get_bounding_client_rect().height().ceil() as i64;
        if height == last.get() {
            return;
        }
        last.set(height);
        let message = js_sys::Object::new();
        put(&message, "type", &JsValue::from_str(HEIGHT_MESSAGE));
        put(&message, "height", &JsValue::from_f64(height as f64));
        let path = location.pathname().unwrap_or_default();
        put(&message, "path", &JsValue::from_str(&path));
        // "*": the height and path are no secret, and `frame-ancestors` decides who frames.
        let _ = parent.post_message(&message, "*");
    });
    let Ok(observer) = ResizeObserver::new(send.as_ref().unchecked_ref()) else {
        return;
    };
    // The body can be shorter than the document (margins), so the document is observed.
    observer.observe(&observed);
    let kept = StoredValue::new_local(Some((observer, send)));
    on_cleanup(move || {
        if let Some(Some((observer, _send))) = kept.try_update_value(Option::take) {
            observer.disconnect();
        }
    });
}

/// Makes every link under `root` open in a new tab (`target=_blank rel=noopener`), now and
/// as content arrives: an embed is a window onto the console, not the console itself.
fn links_open_the_console(root: web_sys::Element) {
    let retarget = {
        let root = root.clone();
        move || {
            let Ok(links) = root.query_selector_all("a[href]") else {
                return;
            };
            for index in 0..links.length() {
                if let Some(link) = links
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
                {
                    dom::set(&link, "target", "_blank");
                    dom::set(&link, "rel", "noopener");
                }
            }
        }
    };
    retarget();
    let callback = Closure::<dyn FnMut()>::new(retarget);
    let Ok(observer) = MutationObserver::new(callback.as_ref().unchecked_ref()) else {
        return;
    };
    let options = js_sys::Object::new();
    put(&options, "childList", &JsValue::TRUE);
    put(&options, "subtree", &JsValue::TRUE);
    observer.observe_with(&root, &options);
    let kept = StoredValue::new_local(Some((observer, callback)));
    on_cleanup(move || {
        if let Some(Some((observer, _callback))) = kept.try_update_value(Option::take) {
            observer.stop();
        }
    });
}

/// The scoped class of the embeds' own elements.
// stylers (build.rs) only collects style blocks bound with `let`, hence the binding.
#[allow(clippy::let_and_return)]
fn embed_class() -> &'static str {
    let class = style! {
        .embed-top {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            gap: 0.5rem 1rem;
            margin: 0 0 0.5rem;
        }
        .embed-top h1 {
            font-size: 1.2rem;
            margin: 0;
            overflow-wrap: anywhere;
        }
        .open {
            margin-left: auto;
            font-size: 0.85rem;
            color: var(--accent);
        }
        .embed-actions {
            display: flex;
            gap: 0.5rem;
        }
        dl {
            display: grid;
            grid-template-columns: max-content 1fr;
            gap: 0.2rem 1.25rem;
            margin: 0 0 0.75rem;
            font-size: 0.92rem;
        }
        dt {
            font-weight: 600;
        }
        dd {
            margin: 0;
            min-width: 0;
            overflow-wrap: anywhere;
        }
        code {
            font-family: var(--mono);
            font-size: 0.85rem;
        }
        a {
            color: var(--accent);
        }
        h2 {
            font-size: 1rem;
            font-weight: 600;
            margin: 0.75rem 0 0.25rem;
        }
        .none {
            color: var(--muted);
        }
    };
    class
}

/// The frame every embed shares: applies the theme, reports the height, retargets links,
/// and shows its content to a logged-in session, or a link to log in (in a new tab).
#[component]
fn EmbedFrame(children: ChildrenFn) -> impl IntoView {
    let auth = expect_context::<Auth>();
    let options = EmbedOptions::current();
    if let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    {
        // The same attribute the masthead's theme chooser sets; `data-embed` lets the
        // stylesheet tighten the page's margins in a frame.
        if let Some(theme) = options.theme {
            dom::set(&root, "data-theme", theme);
        }
        dom::set(&root, "data-embed", "");
    }
    report_height();
    let holder = NodeRef::<leptos::html::Div>::new();
    holder.on_load(move |div| links_open_the_console(div.into()));
    let class = embed_class();
    let denied = Memo::new(move |_| auth.checked.get() && auth.user.with(Option::is_none));
    let content = move || {
        if denied.get() {
            view! { class=class,
                <p role="status">
                    {t("This view needs a session with the cluster.")} " "
                    <a href=crate::paths::href("/login")>{t("Log in to the console")}</a>
                </p>
            }
            .into_any()
        } else {
            children().into_any()
        }
    };
    view! { <div class="embed" node_ref=holder>{content}</div> }
}

/// The top line of an embed: kind badge and name, whether it is live, the actions when asked
/// for, and a link to the same thing in the full console.
fn embed_top(
    badge: &'static str,
    title: String,
    connection: Signal<Connection>,
    actions: impl IntoView + 'static,
) -> impl IntoView {
    let class = embed_class();
    let here = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default();
    view! { class=class,
        <div class="embed-top">
            <h1>
                <span class="kind" aria-hidden="true">{badge}</span>
                {title}
            </h1>
            <ConnectionStatus state=connection />
            <div class="embed-actions">{actions}</div>
            <a class="open" href=crate::paths::href(&console_path(&crate::paths::strip_base(&here)))>{t("Open in the console")}</a>
        </div>
    }
}

/// The server's refusal of a live list that will not be retried, in an alert.
fn list_failure(list: LiveList<ImageStream>) -> impl IntoView {
    move || {
        (list.connection().get() == Connection::Lost)
            .then(|| list.error().get())
            .flatten()
            .map(|err| {
                view! {
                    <div role="alert" class="error">
                        <strong>{t("Could not list image streams.")} " "</strong>
                        {err.to_string()}
                    </div>
                }
            })
    }
}

/// The project's image streams listed and watched while the embed is open (with the
/// project's Deployments when `deployments` is given), and the route's project and name.
fn live_streams(
    deployments: Option<LiveList<Deployment>>,
) -> (LiveList<ImageStream>, Memo<String>, Memo<String>) {
    let auth = expect_context::<Auth>();
    let params = use_params_map();
    let namespace = Memo::new(move |_| params.read().get("ns").unwrap_or_default());
    let name = Memo::new(move |_| percent_decode(&params.read().get("name").unwrap_or_default()));
    let streams = LiveList::<ImageStream>::new();
    Effect::new(move |_| {
        let namespace = namespace.get();
        auth.client.track();
        let path = resource_path(IMAGE_V1, Some(&namespace), "imagestreams", None);
        streams.start(auth, path, String::new());
        if let Some(deployments) = deployments {
            let path = resource_path(APPS_V1, Some(&namespace), "deployments", None);
            deployments.start(auth, path, String::new());
        }
    });
    on_cleanup(move || {
        streams.stop();
        if let Some(deployments) = deployments {
            deployments.stop();
        }
    });
    (streams, namespace, name)
}

/// Any object: what a GET answers when it succeeds does not matter to [`missing_from`].
#[derive(serde::Deserialize)]
struct AnyObject {}

/// Once the list is complete and `present` says the object is not in it, asks the server for
/// it at `path()` so the embed can show the server's own reason and message (a 404's
/// `NotFound: imagestreams.image.openshift.io "x" not found`).
fn missing_from(
    streams: LiveList<ImageStream>,
    present: Memo<bool>,
    path: impl Fn() -> String + 'static,
) -> ReadSignal<Option<ApiError>> {
    let auth = expect_context::<Auth>();
    let missing = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        if present.get() || !streams.complete().get() {
            missing.set(None);
            return;
        }
        let client = auth.client.get_untracked();
        let path = path();
        leptos::task::spawn_local(async move {
            // Only a failure matters: the watch brings an object created meanwhile.
            if let Err(err) = client.get::<AnyObject>(&path).await {
                if err.is_unauthorized() {
                    auth.expired();
                }
                // Still missing once the answer is here (not created meanwhile).
                if present.try_get_untracked() == Some(false) {
                    missing.try_set(Some(err));
                }
            }
        });
    });
    missing.read_only()
}

/// `/embed/ns/:ns/imagestreams/:name`: the stream's tags (tag, source, digest, pull spec,
/// updated, import status, used by), live.
#[component]
fn EmbedImageStreamPage() -> impl IntoView {
    view! { <EmbedFrame><StreamEmbed /></EmbedFrame> }
}

#[component]
fn StreamEmbed() -> impl IntoView {
    let options = EmbedOptions::current();
    let deployments = LiveList::<Deployment>::new();
    let (streams, namespace, name) = live_streams(Some(deployments));
    let stream = Memo::new(move |_| {
        let name = name.get();
        streams
            .with_items(|items| items.by_name(&name).cloned())
            .flatten()
    });
    let present = Memo::new(move |_| stream.with(Option::is_some));
    let missing = missing_from(streams, present, move || {
        resource_path(
            IMAGE_V1,
            Some(&namespace.get_untracked()),
            "imagestreams",
            Some(&name.get_untracked()),
        )
    });
    // USED BY per tag, once per change of the stream or the Deployments (not once per row).
    let uses = Memo::new(move |_| {
        if deployments.connection().get() == Connection::Lost {
            return deployments.error().get().map(Err);
        }
        if !deployments.complete().get() {
            return None;
        }
        let stream = stream.get()?;
        deployments.with_items(|items| Ok(uses_by_tag(&stream, items.as_slice())))
    });
    let now = use_now();
    // Changes arrive through the watch: nothing to reload after an action.
    let reload = Callback::new(|()| {});
    let actions = move || {
        let stream = stream.get().filter(|_| options.actions)?;
        let (namespace, name) = (namespace.get(), name.get());
        Some(view! {
            <AddTagButton stream added=reload />
            <DeleteImageStreamButton namespace name after=reload />
        })
    };
    let loading = move || {
        (!streams.complete().get() && streams.connection().get() != Connection::Lost)
            .then(|| view! { <p role="status">{t("Loading image stream…")}</p> })
    };
    let table = move || {
        let stream = stream.get()?;
        let views: Vec<TagView> = tag_views(&stream);
        let by_name = views
            .iter()
            .map(|view| (view.name.clone(), view.clone()))
            .collect();
        let namespace = stream.metadata.namespace().to_owned();
        let empty = views.is_empty().then(|| {
            view! { <p class="none">{t("This image stream has no tags yet.")}</p> }
        });
        Some(view! {
            <TagsTable
                views
                by_name
                object=stream
                namespace
                uses=uses.into()
                reload
                now
                actions=options.actions
            />
            {empty}
        })
    };
    let not_found = move || {
        missing.get().map(|err| {
            view! { <LoadError err name=name.get_untracked() namespace=namespace.get_untracked() retry=reload /> }
        })
    };
    view! {
        {embed_top("IS", name.get_untracked(), streams.connection(), actions)}
        {list_failure(streams)}
        {loading}
        {not_found}
        {table}
    }
}

/// `/embed/ns/:ns/imagestreamtags/:name` (`STREAM:TAG`): the tag's current digest and pull
/// spec, and its history as a timeline and a list, live.
#[component]
fn EmbedImageStreamTagPage() -> impl IntoView {
    view! { <EmbedFrame><TagEmbed /></EmbedFrame> }
}

/// What the tag embed shows of the tag: its view (an alias shows its target's images), the
/// target's name for an alias, and the stream (for the actions).
#[derive(Debug, Clone, PartialEq)]
struct ShownTag {
    view: TagView,
    alias_of: Option<String>,
    stream: ImageStream,
}

#[component]
fn TagEmbed() -> impl IntoView {
    let options = EmbedOptions::current();
    let (streams, namespace, name) = live_streams(None);
    let split = move || {
        let name = name.get();
        match name.split_once(':') {
            Some((stream, tag)) => (stream.to_owned(), tag.to_owned()),
            None => (name, String::new()),
        }
    };
    let shown = Memo::new(move |_| {
        let (stream_name, tag) = split();
        let stream = streams
            .with_items(|items| items.by_name(&stream_name).cloned())
            .flatten()?;
        let alias_of = alias_target(&stream, &tag).map(str::to_owned);
        let view = alias_of
            .as_deref()
            .and_then(|target| tag_view(&stream, target))
            .or_else(|| tag_view(&stream, &tag))?;
        Some(ShownTag {
            view,
            alias_of,
            stream,
        })
    });
    let present = Memo::new(move |_| shown.with(Option::is_some));
    let missing = missing_from(streams, present, move || {
        resource_path(
            IMAGE_V1,
            Some(&namespace.get_untracked()),
            "imagestreamtags",
            Some(&name.get_untracked()),
        )
    });
    let now = use_now();
    let class = embed_class();
    let reload = Callback::new(|()| {});
    let actions = move || {
        let shown = shown.get().filter(|_| options.actions)?;
        let (stream, tag) = split();
        let reimport = (shown.alias_of.is_none()
            && matches!(shown.view.source, TagSource::DockerImage { .. }))
        .then(|| {
            view! { <ReimportButton stream=shown.stream.clone() tag=tag.clone() imported=reload /> }
        });
        Some(view! {
            {reimport}
            <DeleteTagButton namespace=namespace.get() stream tag after=reload />
        })
    };
    let loading = move || {
        (!streams.complete().get() && streams.connection().get() != Connection::Lost)
            .then(|| view! { <p role="status">{t("Loading image stream tag…")}</p> })
    };
    let details = move || {
        let ShownTag { view, alias_of, .. } = shown.get()?;
        let (stream_name, tag) = split();
        let current = view.current().cloned();
        let digest = match &current {
            Some(event) if !event.image.is_empty() => {
                let text = event.image.clone();
                view! { class=class,
                    <code>{event.image.clone()}</code>
                    " "
                    <CopyButton what=t("digest") text />
                }
                .into_any()
            }
            _ => view! { class=class, <span class="none">{t("no image")}</span> }.into_any(),
        };
        let pull_spec = current
            .as_ref()
            .map(|event| event.pull_spec.clone())
            .filter(|spec| !spec.is_empty())
            .or_else(|| view.resolved_pull_spec.clone())
            .unwrap_or_default();
        let created = current.map(|event| event.created).unwrap_or_default();
        let updated = {
            let created = created.clone();
            move || ago(&created, now.get()).unwrap_or_default()
        };
        let alias = alias_of.map(|target| {
            view! { class=class,
                <dt>{t("Alias of")}</dt>
                <dd>{format!("{stream_name}:{target}")}</dd>
            }
        });
        let stream_href = format!("/k8s/ns/{}/imagestreams/{stream_name}", namespace.get());
        let history = view.history.clone();
        let timeline_tag = tag.clone();
        Some(view! { class=class,
            <dl aria-label=t("Tag details")>
                <dt>{t("Image stream")}</dt>
                <dd><a href=crate::paths::href(&stream_href)>{stream_name.clone()}</a></dd>
                {alias}
                <dt>{t("Current digest")}</dt>
                <dd>{digest}</dd>
                <dt>{t("Pull spec")}</dt>
                <dd><code>{pull_spec}</code></dd>
                <dt>{t("Last updated")}</dt>
                <dd title=created>{updated}</dd>
            </dl>
            <section aria-labelledby="embed-history-heading">
                <h2 id="embed-history-heading">{t("History")}</h2>
                {if history.is_empty() {
                    view! { class=class, <p class="none">{t("No history recorded for this tag.")}</p> }
                        .into_any()
                } else {
                    view! { <HistoryTimeline tag=timeline_tag history now /> }.into_any()
                }}
            </section>
        })
    };
    // The history list, built with the tag page's own builder, again whenever it changes.
    let list = dom::mount_live(move || {
        let shown = shown.get()?;
        let (_, tag) = split();
        history_tree(&shown.view.history, &tag, now.get_untracked())
    });
    let not_found = move || {
        missing.get().map(|err| {
            let what = tf(
                "There is no image stream tag {name} in project {project}.",
                &[
                    ("name", &name.get_untracked()),
                    ("project", &namespace.get_untracked()),
                ],
            );
            view! {
                <div role="alert" class="error">
                    <strong>{what} " "</strong>
                    {err.to_string()}
                </div>
            }
        })
    };
    view! {
        {embed_top("IST", name.get_untracked(), streams.connection(), actions)}
        {list_failure(streams)}
        {loading}
        {not_found}
        {details}
        {list}
    }
}

/// `/embed/ns/:ns/deployments`: what runs where — each Deployment's containers with the image
/// stream, tag and digest they run, whether that is the tag's current image, and READY —
/// the Deployments page's live table without the project map.
#[component]
fn EmbedDeploymentsPage() -> impl IntoView {
    let options = EmbedOptions::current();
    let class = embed_class();
    let here = web_sys::window()
        .and_then(|window| window.location().pathname().ok())
        .unwrap_or_default();
    view! {
        <EmbedFrame>
            <p class=format!("{class} embed-top")>
                <a class=format!("{class} open") href=console_path(&here)>
                    {t("Open in the console")}
                </a>
            </p>
            <DeploymentsPage embedded=true actions=options.actions />
        </EmbedFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_paths_map_to_the_console_pages() {
        assert!(is_embed_path("/embed/ns/openshift/imagestreams/mongodb"));
        assert!(!is_embed_path("/k8s/ns/openshift/imagestreams/mongodb"));
        assert_eq!(
            console_path("/embed/ns/openshift/imagestreamtags/mongodb:8.0"),
            "/k8s/ns/openshift/imagestreamtags/mongodb:8.0"
        );
        assert_eq!(
            console_path("/embed/ns/demo/deployments"),
            "/k8s/ns/demo/deployments"
        );
        assert_eq!(console_path("/embedded"), "/embedded");
        assert_eq!(
            embed_kind("/embed/ns/openshift/imagestreamtags/mongodb:8.0"),
            Some(EmbedKind::ImageStreamTag)
        );
        assert_eq!(
            embed_kind("/embed/ns/demo/deployments"),
            Some(EmbedKind::Deployments)
        );
        assert_eq!(
            embed_kind("/embed/ns/demo/imagestreams/x"),
            Some(EmbedKind::ImageStream)
        );
        assert_eq!(embed_kind("/embed/ns/demo/pods"), None);
        assert_eq!(embed_kind("/k8s/ns/demo/deployments"), None);
    }

    #[test]
    fn the_query_chooses_theme_and_actions() {
        assert_eq!(
            EmbedOptions::from_query("?theme=dark&lang=fr"),
            EmbedOptions {
                theme: Some("dark"),
                actions: false
            }
        );
        assert_eq!(
            EmbedOptions::from_query("actions=1&theme=light"),
            EmbedOptions {
                theme: Some("light"),
                actions: true
            }
        );
        assert_eq!(
            EmbedOptions::from_query("?theme=pink&actions=0"),
            EmbedOptions::default()
        );
        assert_eq!(EmbedOptions::from_query(""), EmbedOptions::default());
    }
}
