//! "Deploy image": `oc new-app IMAGE` in a form. The image is looked up as `oc new-app` does
//! (an ImageStreamImport with `import: false`, which reports the image's digest and ports
//! without storing anything), the app name is derived from the image the way `oc` derives it
//! until the person edits it, and every object that will be created (ImageStream, Deployment
//! with its image trigger, Service) is previewed as YAML. "Create" first asks the server to
//! check each object (`dryRun=All`), then creates them in order, then follows the app until
//! its Deployment runs the digest the trigger resolved.
//!
//! Fields are checked with the server's own rules and words before anything is sent; what the
//! server still refuses lands on the field it is about; a failure never clears the form.
//!
//! The page is built with plain DOM calls ([`crate::pages::deployments::dom`]) and one refresh
//! function rather than a reactive view per field: a form this size in `view!` cost about 160 KB
//! of wasm, this about a third of that.

use crate::api::access::{forbidden_explanation, Permission};
use crate::api::{resource_path, ApiCall, ApiError, Client, APPS_V1, CORE_V1, IMAGE_V1};
use crate::auth::Auth;
use crate::components::toast::{use_toaster, Toaster};
use crate::forms::{
    app_name_error_text, conflict_explanation, field_message, rule_text, FieldErrors,
};
use crate::i18n::{t, tf};
use crate::pages::deployments::dom::{add, mount, set, Builder};
use imagestream_model::plan::{lookup_import, plan_new_app, NewAppOptions, NewAppPlan};
use imagestream_model::reference;
use imagestream_model::validation::{
    derive_app_name, validate_app_name, validate_port, validate_pull_spec, FieldError,
    FieldErrorType, FieldValue,
};
use imagestream_model::yaml::to_yaml;
use imagestream_model::{Deployment, Image, ImageStream, ImageStreamImport};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use stylers_macro::style;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, HtmlInputElement, HtmlSelectElement};

/// How long typing must pause before the image is looked up, in milliseconds.
const LOOKUP_DELAY_MS: i32 = 400;
/// How often the progress view asks the cluster how the app is doing, in milliseconds.
const FOLLOW_EVERY_MS: i32 = 1000;

/// The fields with an error line, as indexes into [`Errors`] and [`FIELD_IDS`].
const IMAGE: usize = 0;
const NAME: usize = 1;
const PORTS: usize = 2;
const REPLICAS: usize = 3;
/// The input ids, in the order of the fields above (the first invalid one gets the focus).
const FIELD_IDS: [&str; 4] = ["image", "app-name", "ports", "replicas"];

/// One message (or none) per field.
type Errors = [Option<String>; 4];

/// What the look-up of the image found.
#[derive(Debug, Clone, PartialEq)]
enum Lookup {
    /// Nothing to look up (empty or malformed reference).
    Idle,
    /// Waiting for typing to pause, or for the server.
    Pending,
    /// The image, with its digest (`metadata.name`) and config.
    Found(Box<Image>),
    /// The server's reason and message, with a hint when plain HTTP seems to be the cause.
    Failed(String),
}

/// One object of the plan, ready to send and to preview.
struct Planned {
    kind: &'static str,
    group_version: &'static str,
    resource: &'static str,
    name: String,
    body: String,
}

impl Planned {
    fn new<T: serde::Serialize>(
        kind: &'static str,
        group_version: &'static str,
        resource: &'static str,
        name: &str,
        object: &T,
    ) -> Self {
        Planned {
            kind,
            group_version,
            resource,
            name: name.to_owned(),
            body: serde_json::to_string(object).unwrap_or_default(),
        }
    }

    /// `ImageStream lighttpd`.
    fn label(&self) -> String {
        format!("{} {}", self.kind, self.name)
    }

    /// The console page of the object, where it has one.
    fn href(&self, namespace: &str) -> Option<String> {
        let kind = match self.kind {
            "ImageStream" => "imagestreams",
            "Deployment" => "deployments",
            "ImageStreamTag" => "imagestreamtags",
            _ => return None,
        };
        Some(format!("/k8s/ns/{namespace}/{kind}/{}", self.name))
    }
}

/// The plan's objects in creation order.
fn planned(plan: &NewAppPlan) -> Vec<Planned> {
    let mut objects = Vec::new();
    if let Some(stream) = &plan.image_stream {
        objects.push(Planned::new(
            "ImageStream",
            IMAGE_V1,
            "imagestreams",
            stream.metadata.name(),
            stream,
        ));
    }
    if let Some(tag) = &plan.image_stream_tag {
        objects.push(Planned::new(
            "ImageStreamTag",
            IMAGE_V1,
            "imagestreamtags",
            tag.metadata.name(),
            tag,
        ));
    }
    objects.push(Planned::new(
        "Deployment",
        APPS_V1,
        "deployments",
        plan.deployment.metadata.name(),
        &plan.deployment,
    ));
    if let Some(service) = &plan.service {
        objects.push(Planned::new(
            "Service",
            CORE_V1,
            "services",
            service.metadata.name(),
            service,
        ));
    }
    objects
}

/// The scoped class of everything the page builds.
// stylers (build.rs) only collects style blocks bound with `let`, hence the binding.
#[allow(clippy::let_and_return)]
fn page_class() -> &'static str {
    let class = style! {
        h2 {
            font-size: 1.15rem;
            font-weight: 500;
            margin: 0.5rem 0;
        }
        .lookup {
            margin: 0;
            font-size: 0.9rem;
            overflow-wrap: anywhere;
        }
        .command {
            font-family: var(--mono);
            font-size: 0.85rem;
            white-space: pre-wrap;
            overflow-wrap: anywhere;
            margin: 0;
        }
        details {
            margin: 0.5rem 0;
        }
        summary {
            cursor: pointer;
        }
        .steps {
            list-style: none;
            padding: 0;
            display: grid;
            gap: 0.4rem;
        }
        .mark {
            display: inline-block;
            width: 1.4rem;
        }
        .done .mark {
            color: var(--ok);
        }
        section {
            min-width: 0;
        }
        h2:focus {
            outline: none;
        }
        a {
            color: var(--accent);
        }
    };
    class
}

/// `/deploy-image/ns/:ns` (`?image=SPEC` fills the image in).
#[component]
pub fn NewAppPage() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let toaster = use_toaster();
    let namespace = use_params_map()
        .get_untracked()
        .get("ns")
        .unwrap_or_default();
    let image = use_query_map()
        .get_untracked()
        .get("image")
        .unwrap_or_default();
    let page = Builder::new(page_class()).map(|b| Page::build(b, auth, toaster, namespace, &image));
    let tree = page.as_ref().map(|page| page.borrow().root.clone());
    if let Some(page) = &page {
        let handle = Rc::downgrade(page);
        load_projects(handle.clone());
        check_access(handle.clone());
        schedule_lookup(handle);
    }
    // The page state lives as long as the route: leaving the page drops it, which stops the
    // look-ups and the progress polling (they hold only weak handles).
    StoredValue::new_local(page);
    mount(tree)
}

/// The page: its elements and what the person has done so far.
struct Page {
    auth: Auth,
    toaster: Toaster,
    b: Builder,
    root: Element,
    namespace: String,
    /// Image, app name, ports, replicas (indexed like [`FIELD_IDS`]).
    inputs: [HtmlInputElement; 4],
    errors: [Element; 4],
    insecure: HtmlInputElement,
    project: HtmlSelectElement,
    back: Element,
    cancel: Element,
    lookup_line: Element,
    command: Element,
    preview: Element,
    report: Element,
    busy_line: Element,
    create: Element,
    denied: Element,
    progress: Element,
    /// The four step lines and the outcome of the progress view, once there is one.
    steps: Vec<Element>,
    name_edited: bool,
    ports_edited: bool,
    submitted: bool,
    busy: bool,
    /// What the server said about each field on the last attempt (cleared by editing it).
    server: Errors,
    /// Which fields show an error now.
    invalid: [bool; 4],
    lookup: Lookup,
    lookup_seq: u64,
    allowed: Option<bool>,
    access_seq: u64,
    plan: Option<Result<NewAppPlan, String>>,
    preview_key: String,
    run: u64,
    listeners: Vec<Closure<dyn FnMut(Event)>>,
}

type Shared = Rc<RefCell<Page>>;
type Handle = Weak<RefCell<Page>>;

/// Runs `f` on the page if it is still shown.
fn with_page<R>(handle: &Handle, f: impl FnOnce(&mut Page) -> R) -> Option<R> {
    let page = handle.upgrade()?;
    let mut page = page.try_borrow_mut().ok()?;
    Some(f(&mut page))
}

fn list_href(namespace: &str) -> String {
    format!("/k8s/ns/{namespace}/imagestreams")
}

/// Shows or hides an element (the `hidden` attribute).
fn show(element: &Element, visible: bool) {
    if visible {
        let _ = element.remove_attribute("hidden");
    } else {
        set(element, "hidden", "");
    }
}

impl Page {
    fn build(b: Builder, auth: Auth, toaster: Toaster, namespace: String, image: &str) -> Shared {
        let root = b.el("div", "");
        let line = b.el("p", "back");
        let back = b.link(&line, &list_href(&namespace), t("← Image streams"));
        add(&root, &line);
        b.text(&root, "h1", "", t("Deploy image"));
        let line = b.text(
            &root,
            "p",
            "subtitle",
            t("Create an application from an image, as "),
        );
        b.text(&line, "code", "", "oc new-app IMAGE");
        let _ = line.append_with_str_1(t(" does."));
        let form = b.el("form", "form");
        set(&form, "novalidate", "");
        add(&root, &form);

        let field = b.field(&form, "project", t("Project"));
        let project: HtmlSelectElement = b.control(&field, "select", "project").unchecked_into();
        b.text(&project, "option", "", &namespace);

        let field = b.field(&form, "image", t("Image"));
        let image_in = b.input(&field, "image", "text");
        set(
            &image_in,
            "aria-describedby",
            "image-help image-lookup image-error",
        );
        image_in.set_value(image);
        let help = b.help(
            &field,
            "image",
            t("A pull spec from an external registry, e.g. "),
        );
        b.text(&help, "code", "", "quay.io/org/app:1.0");
        let lookup_line = b.el("p", "lookup");
        set(&lookup_line, "id", "image-lookup");
        set(&lookup_line, "role", "status");
        set(&lookup_line, "aria-live", "polite");
        add(&field, &lookup_line);
        let image_error = b.error(&field, "image");

        let field = b.el("div", "field");
        add(&form, &field);
        let label = b.el("label", "check");
        add(&field, &label);
        let insecure = b.input(&label, "insecure", "checkbox");
        set(&insecure, "aria-describedby", "insecure-help");
        let _ = label.append_with_str_1(t("Insecure registry"));
        let help = b.help(
            &field,
            "insecure",
            t("Allow plain HTTP and unverified certificates for this registry ("),
        );
        b.text(&help, "code", "", "--insecure-registry");
        let _ = help.append_with_str_1(").");

        let field = b.field(&form, "app-name", t("Application name"));
        let name_in = b.input(&field, "app-name", "text");
        b.help(
            &field,
            "app-name",
            t("Derived from the image as oc derives it until you edit it. It names the image stream, \
             the Deployment, the Service and the app label."),
        );
        let name_error = b.error(&field, "app-name");

        let field = b.field(&form, "ports", t("Ports"));
        let ports_in = b.input(&field, "ports", "text");
        b.help(
            &field,
            "ports",
            t("Read from the image's EXPOSE, as PORT/PROTOCOL separated by commas. With at least \
             one port, a Service is created."),
        );
        let ports_error = b.error(&field, "ports");

        let field = b.field(&form, "replicas", t("Replicas"));
        let replicas_in = b.input(&field, "replicas", "number");
        set(&replicas_in, "min", "0");
        replicas_in.set_value("1");
        b.help(&field, "replicas", t("How many pods the Deployment runs."));
        let replicas_error = b.error(&field, "replicas");

        let section = b.section(&form, "command-heading", t("Command"));
        let command = b.text(&section, "pre", "command", "");
        set(&command, "aria-label", t("Equivalent oc command"));
        set(&command, "role", "group");
        let section = b.section(&form, "preview-heading", t("Objects to create"));
        let preview = b.el("div", "");
        add(&section, &preview);

        let report = b.el("div", "");
        set(&report, "role", "alert");
        add(&form, &report);
        let actions = b.el("div", "form-actions");
        add(&form, &actions);
        let create = b.text(&actions, "button", "primary", t("Create"));
        set(&create, "type", "submit");
        set(&create, "disabled", "");
        let cancel = b.link(&actions, &list_href(&namespace), t("Cancel"));
        let busy_line = b.el("span", "");
        set(&busy_line, "role", "status");
        set(&busy_line, "aria-live", "polite");
        add(&actions, &busy_line);
        let denied = b.text(&form, "p", "help", "");
        show(&denied, false);

        let progress = b.el("section", "");
        set(&progress, "aria-labelledby", "progress-heading");
        show(&progress, false);
        add(&root, &progress);

        let page = Rc::new(RefCell::new(Page {
            auth,
            toaster,
            b,
            root,
            namespace,
            inputs: [image_in, name_in, ports_in, replicas_in],
            errors: [image_error, name_error, ports_error, replicas_error],
            insecure,
            project,
            back,
            cancel,
            lookup_line,
            command,
            preview,
            report,
            busy_line,
            create,
            denied,
            progress,
            steps: Vec::new(),
            name_edited: false,
            ports_edited: false,
            submitted: false,
            busy: false,
            server: Errors::default(),
            invalid: [false; 4],
            lookup: Lookup::Idle,
            lookup_seq: 0,
            allowed: None,
            access_seq: 0,
            plan: None,
            preview_key: String::new(),
            run: 0,
            listeners: Vec::new(),
        }));
        let handle = Rc::downgrade(&page);
        let on_input = {
            let handle = handle.clone();
            Closure::<dyn FnMut(Event)>::new(move |event: Event| edited(&handle, &event, true))
        };
        let on_change = {
            let handle = handle.clone();
            Closure::<dyn FnMut(Event)>::new(move |event: Event| edited(&handle, &event, false))
        };
        let on_submit = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            submit(&handle);
        });
        for (name, listener) in [
            ("input", &on_input),
            ("change", &on_change),
            ("submit", &on_submit),
        ] {
            let _ = form.add_event_listener_with_callback(name, listener.as_ref().unchecked_ref());
        }
        {
            let mut state = page.borrow_mut();
            state.listeners = vec![on_input, on_change, on_submit];
            state.refresh();
        }
        page
    }

    /// Brings every derived value, message and button up to date with the fields.
    fn refresh(&mut self) {
        let spec = self.inputs[IMAGE].value();
        let spec = spec.trim();
        let derived = if spec.is_empty() {
            Ok(String::new())
        } else {
            derive_app_name(spec).map_err(|err| app_name_error_text(&err))
        };
        if !self.name_edited {
            self.inputs[NAME].set_value(derived.as_deref().unwrap_or_default());
        }
        let derived_ports = match &self.lookup {
            Lookup::Found(image) => ports_text(image),
            _ => String::new(),
        };
        if !self.ports_edited {
            self.inputs[PORTS].set_value(&derived_ports);
        }
        let name = self.inputs[NAME].value();
        let ports = self.inputs[PORTS].value();
        let replicas = self.inputs[REPLICAS].value();
        let insecure = self.insecure.checked();

        // The model's checks, in the server's words; what the server said wins.
        let mut checks = Errors::default();
        let required = || self.submitted.then(|| t("Required value").to_owned());
        checks[IMAGE] = if spec.is_empty() {
            required()
        } else if let Some(error) = validate_pull_spec("image", spec).first() {
            Some(field_message(error))
        } else {
            match &self.lookup {
                Lookup::Failed(message) => Some(message.clone()),
                Lookup::Pending if self.submitted => Some(
                    t("The image is still being looked up: create it once it is found.").to_owned(),
                ),
                _ => None,
            }
        };
        checks[NAME] = if name.is_empty() {
            match &derived {
                Err(message) if !self.name_edited && reference::parse(spec).is_ok() => {
                    Some(message.clone())
                }
                _ => required(),
            }
        } else {
            joined(&validate_app_name("metadata.name", &name))
        };
        let parsed_ports = parse_ports(&ports);
        checks[PORTS] = parsed_ports.clone().err();
        let parsed_replicas = parse_replicas(&replicas);
        checks[REPLICAS] = parsed_replicas.clone().err();
        for (field, check) in checks.iter().enumerate() {
            let message = self.server[field].as_ref().or(check.as_ref());
            self.invalid[field] = message.is_some();
            set(
                &self.inputs[field],
                "aria-invalid",
                if message.is_some() { "true" } else { "false" },
            );
            self.errors[field].set_text_content(message.map(String::as_str));
            show(&self.errors[field], message.is_some());
        }

        let lookup_text = match &self.lookup {
            Lookup::Pending => t("Looking up the image…").to_owned(),
            Lookup::Found(image) => describe_image(image),
            _ => String::new(),
        };
        self.lookup_line.set_text_content(Some(&lookup_text));

        self.command.set_text_content(Some(&oc_command(
            spec,
            &name,
            self.name_edited && derived.as_deref() != Ok(name.as_str()),
            insecure,
            &self.namespace,
            replicas.trim(),
            self.ports_edited && ports != derived_ports,
        )));

        self.plan = match (&self.lookup, parsed_ports, parsed_replicas) {
            (Lookup::Found(image), Ok(ports), Ok(replicas))
                if !checks.iter().any(Option::is_some) =>
            {
                let options = NewAppOptions {
                    image: spec.to_owned(),
                    name: Some(name),
                    insecure,
                    replicas,
                    stream_exists: false,
                };
                Some(
                    plan_new_app(&options, &with_ports(image, &ports))
                        .map_err(|err| rule_text(&err.0)),
                )
            }
            _ => None,
        };
        self.show_preview();

        let denied = (self.allowed == Some(false)).then(|| {
            tf(
                "You may not create Deployments in project {namespace} (create deployments.apps).",
                &[("namespace", &self.namespace)],
            )
        });
        if self.busy || self.allowed != Some(true) {
            set(&self.create, "disabled", "");
        } else {
            let _ = self.create.remove_attribute("disabled");
        }
        match &denied {
            Some(text) => set(&self.create, "title", text),
            None => {
                let _ = self.create.remove_attribute("title");
            }
        }
        self.denied.set_text_content(denied.as_deref());
        show(&self.denied, denied.is_some());
    }

    /// The objects as YAML, rebuilt only when they change (so open `<details>` stay open).
    fn show_preview(&mut self) {
        let objects = match &self.plan {
            Some(Ok(plan)) => planned(plan),
            _ => Vec::new(),
        };
        let key = match &self.plan {
            Some(Ok(_)) => objects.iter().map(|object| object.body.as_str()).collect(),
            Some(Err(message)) => message.clone(),
            None => String::new(),
        };
        if key == self.preview_key && !key.is_empty() {
            return;
        }
        self.preview_key = key;
        let b = &self.b;
        self.preview.set_text_content(None);
        match &self.plan {
            Some(Ok(_)) => {
                for object in objects {
                    let details = b.el("details", "");
                    let summary = b.text(&details, "summary", "", object.kind);
                    let _ = summary.append_with_str_1(" ");
                    b.text(&summary, "strong", "", &object.name);
                    let value: Value = serde_json::from_str(&object.body).unwrap_or_default();
                    let yaml = b.text(&details, "pre", "yaml", &to_yaml(&value));
                    set(
                        &yaml,
                        "aria-label",
                        &tf("YAML of {object}", &[("object", &object.label())]),
                    );
                    // A labelled region that Tab reaches, so the keyboard can scroll it.
                    set(&yaml, "role", "region");
                    set(&yaml, "tabindex", "0");
                    add(&self.preview, &details);
                }
            }
            Some(Err(message)) => {
                b.text(&self.preview, "p", "field-error", message);
            }
            None => {
                b.text(
                    &self.preview,
                    "p",
                    "help",
                    t("The objects appear here once the image is found and the fields are valid."),
                );
            }
        }
    }

    /// Shows what a failed attempt left to say at the form's end (or nothing).
    fn show_report(&self, title: &str, lines: &[String], links: &[(String, String)]) {
        let b = &self.b;
        self.report.set_text_content(None);
        if title.is_empty() {
            return;
        }
        let heading = b.el("p", "");
        b.text(&heading, "strong", "", title);
        add(&self.report, &heading);
        let list = b.el("ul", "");
        for line in lines {
            b.text(&list, "li", "", line);
        }
        add(&self.report, &list);
        let row = b.el("p", "");
        for (text, href) in links {
            b.link(&row, href, text);
            let _ = row.append_with_str_1(" ");
        }
        add(&self.report, &row);
    }

    fn set_busy(&mut self, text: Option<&str>) {
        self.busy = text.is_some();
        self.busy_line.set_text_content(text);
        self.refresh();
    }

    /// Builds the progress view for `app` and returns the run number that owns it.
    fn start_progress(&mut self, app: &str, tag: &str) -> u64 {
        self.run += 1;
        let b = &self.b;
        let section = &self.progress;
        section.set_text_content(None);
        let heading = b.text(section, "h2", "", &tf("Deploying {app}", &[("app", app)]));
        set(&heading, "id", "progress-heading");
        set(&heading, "tabindex", "-1");
        let list = b.el("ol", "steps");
        add(section, &list);
        let first = [
            tf(
                "Image stream {app}: waiting for the import",
                &[("app", app)],
            ),
            tf("Deployment {app}: waiting", &[("app", app)]),
            tf(
                "Trigger {tag}: waiting for the image",
                &[("tag", &format!("{app}:{tag}"))],
            ),
            tf(
                "Replicas of {app} ready: {ready}",
                &[("app", app), ("ready", "0")],
            ),
        ];
        self.steps = first.iter().map(|_| b.el("li", "")).collect();
        for line in &self.steps {
            add(&list, line);
        }
        let outcome = b.el("p", "");
        set(&outcome, "role", "status");
        set(&outcome, "aria-live", "polite");
        add(section, &outcome);
        self.steps.push(outcome);
        let links = b.el("p", "");
        let namespace = &self.namespace;
        b.link(
            &links,
            &format!("/k8s/ns/{namespace}/imagestreams/{app}"),
            &tf("Image stream {app}", &[("app", app)]),
        );
        let _ = links.append_with_str_1(" · ");
        b.link(
            &links,
            &format!("/k8s/ns/{namespace}/deployments/{app}"),
            &tf("Deployment {app}", &[("app", app)]),
        );
        add(section, &links);
        show(section, true);
        for (index, text) in first.iter().enumerate() {
            self.step(index, false, text);
        }
        focus(&heading);
        self.run
    }

    /// Writes step `index` (the outcome is step 4): a mark (✓ done, ○ waiting) and the text.
    fn step(&self, index: usize, done: bool, text: &str) {
        let Some(line) = self.steps.get(index) else {
            return;
        };
        line.set_text_content(None);
        if index < 4 {
            set(
                line,
                "class",
                &format!("{} {}", page_class(), if done { "done" } else { "waiting" }),
            );
            let mark = self
                .b
                .text(line, "span", "mark", if done { "✓" } else { "○" });
            set(&mark, "aria-hidden", "true");
        }
        let _ = line.append_with_str_1(text);
    }
}

impl Builder {
    /// `<div class="field"><label for=id>label</label></div>` appended to `form`.
    fn field(&self, form: &Element, id: &str, label: &str) -> Element {
        let field = self.el("div", "field");
        let label = self.text(&field, "label", "", label);
        set(&label, "for", id);
        add(form, &field);
        field
    }

    /// A form control `tag` with `id`, appended to `parent`.
    fn control(&self, parent: &Element, tag: &str, id: &str) -> Element {
        let control = self.el(tag, "");
        set(&control, "id", id);
        add(parent, &control);
        control
    }

    /// An `<input type=kind>` described by its help and error lines.
    fn input(&self, parent: &Element, id: &str, kind: &str) -> HtmlInputElement {
        let input = self.control(parent, "input", id);
        set(&input, "type", kind);
        set(&input, "autocomplete", "off");
        set(&input, "spellcheck", "false");
        set(&input, "aria-describedby", &format!("{id}-help {id}-error"));
        input.unchecked_into()
    }

    /// The help line of field `id`.
    fn help(&self, parent: &Element, id: &str, text: &str) -> Element {
        let help = self.text(parent, "p", "help", text);
        set(&help, "id", &format!("{id}-help"));
        help
    }

    /// The (hidden until needed) error line of field `id`.
    fn error(&self, parent: &Element, id: &str) -> Element {
        let error = self.el("p", "field-error");
        set(&error, "id", &format!("{id}-error"));
        show(&error, false);
        add(parent, &error);
        error
    }
}

/// An `input` event (`typed`) or a `change` event in the form. Text fields count on `input`
/// only: their `change` on leaving the field would redo the work (and move the layout under a
/// click that is half done); the checkbox and the project list count on `change`.
fn edited(handle: &Handle, event: &Event, typed: bool) {
    let Some(id) = event
        .target()
        .and_then(|target| target.dyn_into::<Element>().ok())
        .map(|element| element.id())
    else {
        return;
    };
    let field = FIELD_IDS.iter().position(|known| *known == id);
    if field.is_some() != typed {
        return;
    }
    let lookup = with_page(handle, |page| {
        if let Some(field) = field {
            page.server[field] = None;
        }
        match id.as_str() {
            "app-name" => page.name_edited = true,
            "ports" => page.ports_edited = true,
            "project" => {
                page.namespace = page.project.value();
                let href = list_href(&page.namespace);
                let href = crate::paths::href(&href);
                set(&page.back, "href", &href);
                set(&page.cancel, "href", &href);
            }
            _ => {}
        }
        page.refresh();
        matches!(id.as_str(), "image" | "insecure" | "project")
    });
    if lookup == Some(true) {
        schedule_lookup(handle.clone());
        if id == "project" {
            check_access(handle.clone());
        }
    }
}

/// Looks the image up once typing pauses; answers for an older input are dropped.
fn schedule_lookup(handle: Handle) {
    let Some((seq, request)) = with_page(&handle, |page| {
        page.lookup_seq += 1;
        let spec = page.inputs[IMAGE].value().trim().to_owned();
        let valid = !spec.is_empty() && reference::parse(&spec).is_ok();
        page.lookup = if valid { Lookup::Pending } else { Lookup::Idle };
        page.refresh();
        let client = page.auth.client.get_untracked();
        let request = (
            client,
            page.namespace.clone(),
            spec,
            page.insecure.checked(),
        );
        (page.lookup_seq, valid.then_some(request))
    }) else {
        return;
    };
    let Some((client, namespace, spec, insecure)) = request else {
        return;
    };
    leptos::task::spawn_local(async move {
        sleep(LOOKUP_DELAY_MS).await;
        let current = || with_page(&handle, |page| page.lookup_seq == seq) == Some(true);
        if !current() {
            return;
        }
        let found = look_up(&client, &namespace, &spec, insecure).await;
        with_page(&handle, |page| {
            if page.lookup_seq != seq {
                return;
            }
            page.lookup = found.unwrap_or_else(|err| {
                if err.is_unauthorized() {
                    page.auth.expired();
                }
                Lookup::Failed(forbidden_explanation(&err).unwrap_or_else(|| err.to_string()))
            });
            page.refresh();
        });
    });
}

/// Asks the cluster whether the user may create Deployments in the chosen project (one
/// SelfSubjectAccessReview, as `oc auth can-i create deployments.apps`).
fn check_access(handle: Handle) {
    let Some((seq, client, namespace)) = with_page(&handle, |page| {
        page.access_seq += 1;
        page.allowed = None;
        page.refresh();
        (
            page.access_seq,
            page.auth.client.get_untracked(),
            page.namespace.clone(),
        )
    }) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let permission = Permission::new("create", "apps", "deployments", &namespace);
        let allowed = client.can_i(&permission).await.unwrap_or(false);
        with_page(&handle, |page| {
            if page.access_seq == seq {
                page.allowed = Some(allowed);
                page.refresh();
            }
        });
    });
}

/// Fills the Project list with the projects the user can see (the page's own stays chosen).
fn load_projects(handle: Handle) {
    let Some(client) = with_page(&handle, |page| page.auth.client.get_untracked()) else {
        return;
    };
    leptos::task::spawn_local(async move {
        let Ok(list) = client.projects().await else {
            return;
        };
        with_page(&handle, |page| {
            let current = page.namespace.clone();
            let mut names: Vec<&str> = list
                .items
                .iter()
                .map(|project| project.metadata.name())
                .collect();
            if !names.contains(&current.as_str()) {
                names.insert(0, current.as_str());
            }
            page.project.set_text_content(None);
            for name in names {
                let option = page.b.text(&page.project, "option", "", name);
                set(&option, "value", name);
            }
            page.project.set_value(&current);
        });
    });
}

/// The Create button: checks, then the dry runs and the creates.
fn submit(handle: &Handle) {
    let start = with_page(handle, |page| {
        if page.busy {
            return None;
        }
        page.submitted = true;
        page.server = Errors::default();
        page.show_report("", &[], &[]);
        page.refresh();
        if let Some(first) = page.invalid.iter().position(|invalid| *invalid) {
            focus(&page.inputs[first]);
            return None;
        }
        match page.plan.clone() {
            Some(Ok(plan)) => Some((
                plan,
                page.auth.client.get_untracked(),
                page.namespace.clone(),
                parse_replicas(&page.inputs[REPLICAS].value()).unwrap_or(1),
            )),
            Some(Err(message)) => {
                page.show_report(t("Nothing was created."), &[message], &[]);
                None
            }
            None => {
                focus(&page.inputs[IMAGE]);
                None
            }
        }
    });
    if let Some(Some((plan, client, namespace, replicas))) = start {
        leptos::task::spawn_local(deploy(handle.clone(), client, namespace, plan, replicas));
    }
}

/// Creates the planned objects: a dry run of each first (all of them, so every problem shows
/// at once), then each for real, in order; then follows the app.
async fn deploy(
    handle: Handle,
    client: Client,
    namespace: String,
    plan: NewAppPlan,
    replicas: i32,
) {
    let objects = planned(&plan);
    for dry_run in [true, false] {
        let mut errors = Errors::default();
        let mut lines = Vec::new();
        let mut links = Vec::new();
        let mut exists = false;
        for (index, object) in objects.iter().enumerate() {
            let label = object.label();
            let busy = if dry_run {
                tf(
                    "Checking {object} with the server (dry run)…",
                    &[("object", &label)],
                )
            } else {
                tf("Creating {object}…", &[("object", &label)])
            };
            with_page(&handle, |page| page.set_busy(Some(&busy)));
            let Err(err) = send(&client, &namespace, object, dry_run).await else {
                continue;
            };
            if err.is_unauthorized() {
                with_page(&handle, |page| page.auth.expired());
                return;
            }
            if dry_run {
                if conflict_explanation(&err).is_some() {
                    exists = true;
                    if let Some(href) = object.href(&namespace) {
                        links.push((tf("Open {object}", &[("object", &label)]), href));
                    }
                }
                place(object, &err, &mut errors, &mut lines);
                continue;
            }
            // A real create failed: say what exists now and what does not.
            for (done, other) in objects.iter().enumerate() {
                let label = other.label();
                lines.push(match done.cmp(&index) {
                    std::cmp::Ordering::Less => {
                        if let Some(href) = other.href(&namespace) {
                            links.push((tf("Open {object}", &[("object", &label)]), href));
                        }
                        tf("Created: {object}", &[("object", &label)])
                    }
                    std::cmp::Ordering::Equal => tf(
                        "Not created: {object} — {error}",
                        &[("object", &label), ("error", &err.to_string())],
                    ),
                    std::cmp::Ordering::Greater => tf(
                        "Not created: {object} (not attempted)",
                        &[("object", &label)],
                    ),
                });
            }
            place(object, &err, &mut errors, &mut Vec::new());
            let title = if index == 0 {
                t("Nothing was created.")
            } else {
                t("Some objects were created, not all:")
            };
            failed(
                &handle,
                errors,
                title,
                &format!("{title} {}: {err}", object.label()),
                &lines,
                &links,
            );
            return;
        }
        if dry_run && (errors.iter().any(Option::is_some) || !lines.is_empty()) {
            let announced = if exists {
                tf(
                    "Nothing was created: {name} already exists in project {namespace}.",
                    &[("name", &plan.name), ("namespace", &namespace)],
                )
            } else {
                t("Nothing was created: the server's dry run refused the app (see the form).")
                    .to_owned()
            };
            failed(
                &handle,
                errors,
                t("Nothing was created."),
                &announced,
                &lines,
                &links,
            );
            return;
        }
    }
    let kinds: Vec<&str> = objects.iter().map(|object| object.kind).collect();
    let Some(run) = with_page(&handle, |page| {
        page.toaster.success(tf(
            "Created {kinds} {name} in project {namespace}.",
            &[
                ("kinds", &kinds.join(", ")),
                ("name", &plan.name),
                ("namespace", &namespace),
            ],
        ));
        page.set_busy(None);
        page.start_progress(&plan.name, &plan.tag)
    }) else {
        return;
    };
    follow_app(handle, client, namespace, plan, replicas, run).await;
}

/// Shows a failed attempt: the toast, the field messages (focusing the first), the report.
fn failed(
    handle: &Handle,
    errors: Errors,
    title: &str,
    announced: &str,
    lines: &[String],
    links: &[(String, String)],
) {
    with_page(handle, |page| {
        page.toaster.error(announced);
        page.server = errors;
        page.set_busy(None);
        page.show_report(title, lines, links);
        if let Some(first) = page.invalid.iter().position(|invalid| *invalid) {
            focus(&page.inputs[first]);
        }
    });
}

/// POSTs one object to its collection (with `dryRun=All` when `dry_run`).
async fn send(
    client: &Client,
    namespace: &str,
    object: &Planned,
    dry_run: bool,
) -> Result<(), ApiError> {
    let mut path = resource_path(object.group_version, Some(namespace), object.resource, None);
    if dry_run {
        path.push_str("?dryRun=All");
    }
    client
        .call(ApiCall {
            method: "POST",
            path,
            body: Some(object.body.clone()),
            content_type: "application/json",
        })
        .await
        .map(drop)
}

/// Puts what the server said about `object` on the form's fields, and the rest in `lines`.
fn place(object: &Planned, err: &ApiError, errors: &mut Errors, lines: &mut Vec<String>) {
    let fields = FieldErrors::from_api(err);
    if !fields.is_empty() {
        let paths: &[(&str, usize)] = match object.kind {
            "ImageStream" => &[("metadata.name", NAME), ("spec.tags", IMAGE)],
            "ImageStreamTag" => &[("metadata.name", NAME), ("tag", IMAGE)],
            "Deployment" => &[
                ("metadata.name", NAME),
                ("spec.replicas", REPLICAS),
                ("spec.template.spec.containers[0].name", NAME),
                ("spec.template.spec.containers[0].ports", PORTS),
            ],
            _ => &[("metadata.name", NAME), ("spec.ports", PORTS)],
        };
        for (path, field) in paths {
            if let Some(message) = fields.for_field(path) {
                add_message(&mut errors[*field], &message);
            }
        }
        let placed: Vec<&str> = paths.iter().map(|(path, _)| *path).collect();
        for other in fields.others(&placed) {
            lines.push(format!("{}: {other}", object.label()));
        }
    } else if let Some(explanation) = conflict_explanation(err) {
        let said = err.server_message().unwrap_or_else(|| t("already exists"));
        add_message(&mut errors[NAME], &format!("{said}."));
        add_message(&mut errors[NAME], &explanation);
    } else if let Some(explanation) = forbidden_explanation(err) {
        lines.push(explanation);
    } else {
        lines.push(format!("{}: {err}", object.label()));
    }
}

/// Appends `message` to a field's message unless it is already there.
fn add_message(slot: &mut Option<String>, message: &str) {
    match slot {
        Some(text) if text.contains(message) => {}
        Some(text) => {
            text.push(' ');
            text.push_str(message);
        }
        None => *slot = Some(message.to_owned()),
    }
}

/// Polls the stream and the Deployment every second until the Deployment runs the stream's
/// digest with every replica ready, or the page is left or another app is created.
async fn follow_app(
    handle: Handle,
    client: Client,
    namespace: String,
    plan: NewAppPlan,
    replicas: i32,
    run: u64,
) {
    let app = plan.name;
    let stream_path = resource_path(IMAGE_V1, Some(&namespace), "imagestreams", Some(&app));
    let deployment_path = resource_path(APPS_V1, Some(&namespace), "deployments", Some(&app));
    loop {
        let stream = client.get::<ImageStream>(&stream_path).await;
        let deployment = client.get::<Deployment>(&deployment_path).await;
        let mut problems = Vec::new();
        let mut digest = None;
        let mut import_error = None;
        match stream {
            Ok(stream) => {
                if let Some(tag) = stream.status_tags().iter().find(|tag| tag.tag == plan.tag) {
                    digest = tag.events().first().map(|event| event.image.clone());
                    import_error = tag
                        .conditions
                        .iter()
                        .flatten()
                        .find(|condition| condition.status == "False")
                        .map(|condition| {
                            format!(
                                "{}: {}",
                                condition.reason.as_deref().unwrap_or_else(|| t("Failure")),
                                condition
                                    .message
                                    .as_deref()
                                    .unwrap_or_else(|| t("no message"))
                            )
                        });
                }
            }
            Err(err) => problems.push(tf(
                "Image stream {app}: {error}",
                &[("app", &app), ("error", &err.to_string())],
            )),
        }
        let mut image = None;
        let mut ready = 0;
        let mut rolled_out = false;
        let created = match &deployment {
            Ok(deployment) => {
                image = deployment
                    .containers()
                    .first()
                    .and_then(|container| container.image.clone())
                    .filter(|image| image.contains("@sha256:"));
                let status = deployment.status.clone().unwrap_or_default();
                ready = status.ready_replicas.unwrap_or(0);
                rolled_out = status.observed_generation.unwrap_or(0)
                    >= deployment.metadata.generation.unwrap_or(1)
                    && status.updated_replicas.unwrap_or(0) >= replicas
                    && ready >= replicas;
                true
            }
            Err(err) => {
                problems.push(tf(
                    "Deployment {app}: {error}",
                    &[("app", &app), ("error", &err.to_string())],
                ));
                false
            }
        };
        let done = rolled_out
            && match (&digest, &image) {
                (Some(digest), Some(image)) => image.ends_with(&format!("@{digest}")),
                _ => false,
            };
        let still_here = with_page(&handle, |page| {
            if page.run != run {
                return false;
            }
            if deployment.as_ref().is_err_and(ApiError::is_unauthorized) {
                page.auth.expired();
                return false;
            }
            page.step(
                0,
                digest.is_some(),
                &match (&digest, &import_error) {
                    (Some(digest), _) => tf(
                        "Image stream {app} imported {digest}",
                        &[("app", &app), ("digest", digest)],
                    ),
                    (None, Some(error)) => tf(
                        "Image stream {app}: import failed, {error}",
                        &[("app", &app), ("error", error)],
                    ),
                    (None, None) => tf(
                        "Image stream {app}: waiting for the import",
                        &[("app", &app)],
                    ),
                },
            );
            page.step(
                1,
                created,
                &if created {
                    tf("Deployment {app} created", &[("app", &app)])
                } else {
                    tf("Deployment {app}: waiting", &[("app", &app)])
                },
            );
            page.step(
                2,
                image.is_some(),
                &match &image {
                    Some(image) => tf(
                        "Trigger {tag} resolved to {image}",
                        &[("tag", &format!("{app}:{}", plan.tag)), ("image", image)],
                    ),
                    None => tf(
                        "Trigger {tag}: waiting for the image",
                        &[("tag", &format!("{app}:{}", plan.tag))],
                    ),
                },
            );
            page.step(
                3,
                rolled_out,
                &tf(
                    "Replicas of {app} ready: {ready}",
                    &[("app", &app), ("ready", &format!("{ready}/{replicas}"))],
                ),
            );
            let outcome = if done {
                tf(
                    "Deployment {app} runs {digest}.",
                    &[
                        ("app", &app),
                        ("digest", digest.as_deref().unwrap_or_default()),
                    ],
                )
            } else {
                problems.join(" ")
            };
            page.step(4, done, &outcome);
            if done {
                page.toaster.success(tf(
                    "Deployment {app} runs {digest} ({ready} ready).",
                    &[
                        ("app", &app),
                        ("digest", digest.as_deref().unwrap_or_default()),
                        ("ready", &format!("{ready}/{replicas}")),
                    ],
                ));
            }
            !done
        });
        if still_here != Some(true) {
            return;
        }
        sleep(FOLLOW_EVERY_MS).await;
    }
}

/// Asks the server what `spec` is, as `oc new-app` does before planning.
async fn look_up(
    client: &Client,
    namespace: &str,
    spec: &str,
    insecure: bool,
) -> Result<Lookup, ApiError> {
    let request = lookup_import(namespace, spec, insecure);
    let answer: ImageStreamImport = client
        .call_json(ApiCall {
            method: "POST",
            path: resource_path(IMAGE_V1, Some(namespace), "imagestreamimports", None),
            body: serde_json::to_string(&request).ok(),
            content_type: "application/json",
        })
        .await?;
    let Some(found) = answer
        .status
        .and_then(|status| status.images)
        .and_then(|images| images.into_iter().next())
    else {
        return Ok(Lookup::Failed(
            t("The server did not say what the image is.").into(),
        ));
    };
    match found.image {
        Some(image) if found.status.status.as_deref() == Some("Success") => {
            Ok(Lookup::Found(Box::new(image)))
        }
        _ => {
            let mut message = format!(
                "{}: {}",
                found
                    .status
                    .reason
                    .as_deref()
                    .unwrap_or_else(|| t("Failure")),
                found
                    .status
                    .message
                    .as_deref()
                    .unwrap_or_else(|| t("no message"))
            );
            if !insecure && (message.contains("insecure") || message.contains("HTTP response")) {
                message.push_str(t(
                    ". This registry answers over plain HTTP: tick “Insecure registry” if you trust it.",
                ));
            }
            Ok(Lookup::Failed(message))
        }
    }
}

/// `Found sha256:… · exposes 8080/tcp · amd64`.
fn describe_image(image: &Image) -> String {
    let ports = ports_text(image);
    let arch = image
        .docker_image_metadata
        .as_ref()
        .and_then(|meta| meta.architecture.as_deref())
        .map(|arch| format!(" · {arch}"))
        .unwrap_or_default();
    let ports = if ports.is_empty() {
        t("exposes no ports").to_owned()
    } else {
        tf("exposes {ports}", &[("ports", &ports)])
    };
    tf(
        "Found {digest} · {ports}{arch}",
        &[
            ("digest", image.metadata.name()),
            ("ports", &ports),
            ("arch", &arch),
        ],
    )
}

/// The image's exposed ports as the Ports field shows them: `8080/tcp, 53/udp`.
fn ports_text(image: &Image) -> String {
    image
        .exposed_ports()
        .iter()
        .map(|(port, protocol)| format!("{port}/{}", protocol.to_ascii_lowercase()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The Ports field read as `(port, PROTOCOL)`, or the messages the server would give for it
/// (`Invalid value: 70000: must be between 1 and 65535, inclusive`).
fn parse_ports(text: &str) -> Result<Vec<(u16, String)>, String> {
    let mut ports = Vec::new();
    let mut problems = Vec::new();
    for (index, item) in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|item| !item.is_empty())
        .enumerate()
    {
        let field = format!("spec.ports[{index}].port");
        let (number, protocol) = item.split_once('/').unwrap_or((item, "tcp"));
        let protocol = protocol.to_ascii_uppercase();
        if !matches!(protocol.as_str(), "TCP" | "UDP" | "SCTP") {
            problems.push(field_message(&FieldError {
                field: field.clone(),
                reason: FieldErrorType::NotSupported,
                value: Some(FieldValue::Text(protocol.clone())),
                message: t("supported values: \"SCTP\", \"TCP\", \"UDP\"").into(),
            }));
        }
        match number.parse::<i64>() {
            Ok(port) => match validate_port(&field, port).first() {
                Some(error) => problems.push(field_message(error)),
                None => ports.push((port as u16, protocol)),
            },
            Err(_) => problems.push(field_message(&FieldError::invalid(
                &field,
                FieldValue::Text(number.to_owned()),
                "must be between 1 and 65535, inclusive",
            ))),
        }
    }
    if problems.is_empty() {
        Ok(ports)
    } else {
        Err(problems.join(" "))
    }
}

/// The Replicas field as a count, or the server's message.
fn parse_replicas(text: &str) -> Result<i32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(t("Required value").into());
    }
    let value = match text.parse::<i32>() {
        Ok(count) if count >= 0 => return Ok(count),
        Ok(count) => FieldValue::Number(i64::from(count)),
        Err(_) => FieldValue::Text(text.to_owned()),
    };
    Err(field_message(&FieldError::invalid(
        "spec.replicas",
        value,
        t("must be greater than or equal to 0"),
    )))
}

/// `image` with its exposed ports replaced by `ports` (the plan reads them from the image).
fn with_ports(image: &Image, ports: &[(u16, String)]) -> Image {
    let mut image = image.clone();
    let config = image
        .docker_image_metadata
        .get_or_insert_with(Default::default)
        .config
        .get_or_insert_with(Default::default);
    config.exposed_ports = Some(
        ports
            .iter()
            .map(|(port, protocol)| {
                (
                    format!("{port}/{}", protocol.to_ascii_lowercase()),
                    Value::Object(Default::default()),
                )
            })
            .collect(),
    );
    image
}

/// Every message of `errors` joined, or `None`.
fn joined(errors: &[FieldError]) -> Option<String> {
    (!errors.is_empty()).then(|| {
        errors
            .iter()
            .map(field_message)
            .collect::<Vec<_>>()
            .join(" ")
    })
}

/// The `oc` commands that do what the form will do.
fn oc_command(
    image: &str,
    name: &str,
    name_flag: bool,
    insecure: bool,
    namespace: &str,
    replicas: &str,
    ports_edited: bool,
) -> String {
    if image.is_empty() {
        return String::new();
    }
    let mut command = format!("oc new-app {}", shell_word(image));
    if name_flag {
        command.push_str(" --name=");
        command.push_str(&shell_word(name));
    }
    if insecure {
        command.push_str(" --insecure-registry");
    }
    command.push_str(" -n ");
    command.push_str(namespace);
    if replicas != "1" {
        command.push_str(&format!(
            "\noc scale deployment/{} --replicas={} -n {namespace}",
            shell_word(name),
            shell_word(replicas)
        ));
    }
    if ports_edited {
        command.push_str("\n# ports edited: oc new-app takes them from the image's EXPOSE");
    }
    command
}

/// A word as a shell would need it: quoted when it holds anything beyond a pull spec's
/// characters.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "./:@_-".contains(c))
    {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Moves the keyboard focus to `element` (after a failed check, to the field).
fn focus(element: &Element) {
    if let Some(element) = element.dyn_ref::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// Resolves after `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_read_as_the_server_would_check_them() {
        assert_eq!(
            parse_ports("8080/tcp, 53/UDP 9000"),
            Ok(vec![
                (8080, "TCP".to_owned()),
                (53, "UDP".to_owned()),
                (9000, "TCP".to_owned())
            ])
        );
        assert_eq!(parse_ports(""), Ok(vec![]));
        assert_eq!(
            parse_ports("70000"),
            Err("Invalid value: 70000: must be between 1 and 65535, inclusive".to_owned())
        );
        assert_eq!(
            parse_ports("80/http"),
            Err(
                "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""
                    .to_owned()
            )
        );
    }

    #[test]
    fn replicas_must_not_be_negative() {
        assert_eq!(parse_replicas(" 2 "), Ok(2));
        assert_eq!(
            parse_replicas("-1"),
            Err("Invalid value: -1: must be greater than or equal to 0".to_owned())
        );
        assert_eq!(parse_replicas(""), Err("Required value".to_owned()));
    }

    #[test]
    fn edited_ports_replace_the_image_ones_in_the_plan() {
        let image = with_ports(&Image::default(), &[(8443, "TCP".into())]);
        assert_eq!(image.exposed_ports(), vec![(8443, "TCP".to_owned())]);
        let plan = plan_new_app(
            &NewAppOptions {
                image: "gists/lighttpd".into(),
                replicas: 1,
                ..NewAppOptions::default()
            },
            &image,
        )
        .unwrap();
        let objects = planned(&plan);
        let kinds: Vec<&str> = objects.iter().map(|o| o.kind).collect();
        assert_eq!(kinds, ["ImageStream", "Deployment", "Service"]);
        let value: Value = serde_json::from_str(&objects[1].body).unwrap();
        assert!(to_yaml(&value).contains("image.openshift.io/triggers"));
    }

    #[test]
    fn server_answers_land_on_fields() {
        let mut status =
            imagestream_model::meta::Status::failure(422, "Invalid", "Service \"x\" is invalid");
        status.extra.insert(
            "details".into(),
            serde_json::json!({"causes": [
                {"field": "spec.ports[0].port", "message": "Invalid value: 0: must be between 1 and 65535, inclusive"},
                {"field": "spec.type", "message": "odd"}
            ]}),
        );
        let service = Planned::new("Service", CORE_V1, "services", "x", &Value::Null);
        let mut errors = Errors::default();
        let mut lines = Vec::new();
        place(
            &service,
            &ApiError::Status(Box::new(status)),
            &mut errors,
            &mut lines,
        );
        assert!(errors[PORTS].as_deref().unwrap().contains("65535"));
        assert_eq!(lines, vec!["Service x: spec.type: odd".to_owned()]);

        let exists = ApiError::Status(Box::new(imagestream_model::meta::Status::failure(
            409,
            "AlreadyExists",
            "imagestreams.image.openshift.io \"x\" already exists",
        )));
        let mut errors = Errors::default();
        place(&service, &exists, &mut errors, &mut Vec::new());
        let name = errors[NAME].clone().unwrap();
        assert!(name.contains("\"x\" already exists."), "{name}");
        assert!(name.contains("choose another name"), "{name}");
    }

    #[test]
    fn the_command_is_what_oc_would_be_given() {
        assert_eq!(
            oc_command("quay.io/a/b:1", "b", false, true, "demo", "1", false),
            "oc new-app quay.io/a/b:1 --insecure-registry -n demo"
        );
        assert_eq!(
            oc_command("a b", "web", true, false, "demo", "3", true),
            "oc new-app 'a b' --name=web -n demo\noc scale deployment/web --replicas=3 -n demo\n# ports edited: oc new-app takes them from the image's EXPOSE"
        );
    }
}
