//! The masthead: the product name, the project switcher, the project's views, the theme, and
//! who is logged in.

use crate::api::{session, Config};
use crate::auth::Auth;
use crate::i18n::{self, t, tf, Lang};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use stylers_macro::style;

/// The project in a path like `/k8s/ns/<project>/…`, or a form's `/import-image/ns/<project>`
/// and `/deploy-image/ns/<project>`.
pub fn project_in_path(path: &str) -> Option<String> {
    let rest = ["/k8s/ns/", "/import-image/ns/", "/deploy-image/ns/"]
        .iter()
        .find_map(|prefix| path.strip_prefix(prefix))?;
    let project = rest.split('/').next()?;
    (!project.is_empty()).then(|| project.to_owned())
}

/// Top bar of every page.
#[component]
pub fn Masthead() -> impl IntoView {
    let class = style! {
        header {
            display: flex;
            flex-wrap: wrap;
            white-space: nowrap;
            align-items: center;
            gap: 1.25rem;
            padding: 0.6rem 1.5rem;
            background: var(--masthead-bg);
            color: var(--masthead-fg);
        }
        .brand {
            font-weight: 700;
            letter-spacing: 0.3px;
            margin-right: auto;
        }
        select {
            font: inherit;
            padding: 0.2rem 0.4rem;
        }
        .demo {
            border: 1px solid currentColor;
            border-radius: 1rem;
            padding: 0 0.6rem;
            font-size: 0.85rem;
        }
        nav {
            display: flex;
            gap: 1rem;
        }
        nav a {
            color: inherit;
            text-decoration: none;
            padding: 0.2rem 0;
            border-bottom: 2px solid transparent;
        }
        nav a[aria-current="page"] {
            border-bottom-color: currentColor;
        }
        button {
            font: inherit;
            background: transparent;
            color: inherit;
            border: 1px solid currentColor;
            border-radius: 3px;
            padding: 0.2rem 0.7rem;
            cursor: pointer;
        }
    };
    let auth = expect_context::<Auth>();
    let navigate = use_navigate();
    let location = use_location();
    // The embeds (`/embed/…`, crate::pages::embed) are chrome-less: no masthead at all.
    if crate::pages::embed::is_embed_path(&crate::paths::strip_base(
        &location.pathname.get_untracked(),
    )) {
        return ().into_any();
    }
    let log_out = move |_| {
        session::forget_token();
        auth.client
            .update(|client| *client = client.without_token());
        auth.user.set(None);
        navigate("/login", Default::default());
    };
    // The static demo keeps its cluster across reloads (in this browser); "Explore a demo
    // cluster" in a normal build does not.
    let demo_title = if use_context::<Config>().is_some_and(|config| config.demo) {
        t("A cluster running inside this page: nothing leaves the browser, and it is kept here until Reset demo")
    } else {
        t("A cluster running inside this page: nothing leaves the browser, and a reload starts it afresh")
    };
    view! { class=class,
        <header>
            <span class="brand">"imagestream-console"</span>
            {move || {
                auth.client
                    .read()
                    .is_in_browser()
                    .then(|| {
                        view! { class=class,
                            <span class="demo" title=demo_title>
                                {t("Demo cluster")}
                            </span>
                            <crate::components::demo_actions::DemoActions />
                        }
                    })
            }}
            {move || auth.user.get().map(|_| view! { <ProjectSwitcher /> })}
            {move || {
                auth.user.get()?;
                let path = crate::paths::strip_base(&location.pathname.get());
                let project = project_in_path(&path)?;
                let link = |view: &'static str, label: &'static str| {
                    let href = format!("/k8s/ns/{project}/{view}");
                    let current = path.starts_with(&href).then_some("page");
                    view! { class=class, <a href=crate::paths::href(&href) aria-current=current>{label}</a> }
                };
                Some(view! { class=class,
                    <nav aria-label=t("Project views")>
                        {link("imagestreams", t("Image streams"))}
                        {link("deployments", t("Deployments"))}
                    </nav>
                })
            }}
            <LanguageChooser />
            <ThemeChooser />
            {move || {
                auth.user
                    .get()
                    .map(|user| {
                        let name = user.metadata.name().to_owned();
                        view! { class=class,
                            <span>{t("Logged in as")}" " <strong>{name}</strong></span>
                            <button type="button" on:click=log_out.clone()>{t("Log out")}</button>
                        }
                    })
            }}
        </header>
    }
    .into_any()
}

/// A list of the projects the user can see; choosing one opens its image streams.
#[component]
fn ProjectSwitcher() -> impl IntoView {
    let auth = expect_context::<Auth>();
    let config = expect_context::<Config>();
    let location = use_location();
    let navigate = use_navigate();
    let projects = LocalResource::new(move || {
        let client = auth.client.get();
        async move { client.projects().await }
    });
    let current = move || {
        project_in_path(&crate::paths::strip_base(&location.pathname.get())).unwrap_or_default()
    };
    let api_server = config.api_server.clone();
    let choose = move |event: leptos::ev::Event| {
        let project = event_target_value(&event);
        session::remember_project(&api_server, &project);
        navigate(
            &format!("/k8s/ns/{project}/imagestreams"),
            Default::default(),
        );
    };
    view! {
        <label>
            {t("Project")}" "
            <select on:change=choose prop:value=current>
                // Its own boundary: the app's Suspense would otherwise hide the whole page
                // (first rows included) until the project list has loaded.
                <Suspense fallback=|| view! { <option value="">{t("Loading projects…")}</option> }>
                {move || {
                    let selected = current();
                    match projects.get() {
                        Some(Ok(list)) => list
                            .items
                            .into_iter()
                            .map(|project| {
                                let name = project.metadata.name().to_owned();
                                let label = match project.display_name() {
                                    display if display != name => format!("{name} ({display})"),
                                    _ => name.clone(),
                                };
                                let is_selected = name == selected;
                                view! { <option value=name selected=is_selected>{label}</option> }
                            })
                            .collect_view()
                            .into_any(),
                        Some(Err(err)) => {
                            if err.is_unauthorized() {
                                auth.expired();
                            }
                            view! { <option value="">{tf("Projects unavailable: {error}", &[("error", &err.to_string())])}</option> }.into_any()
                        }
                        None => view! { <option value="">{t("Loading projects…")}</option> }.into_any(),
                    }
                }}
                </Suspense>
            </select>
        </label>
    }
}

/// The themes a person can choose; `System` follows `prefers-color-scheme`.
const THEMES: [(&str, &str); 3] = [("system", "System"), ("light", "Light"), ("dark", "Dark")];
const THEME_KEY: &str = "imagestream-console.theme";

/// Puts the theme on `<html data-theme>`, where style/main.css picks the colours.
fn apply_theme(theme: &str) {
    let Some(root) = web_sys::window()
        .and_then(|window| window.document())
        .and_then(|document| document.document_element())
    else {
        return;
    };
    let _ = match theme {
        "light" | "dark" => root.set_attribute("data-theme", theme),
        _ => root.remove_attribute("data-theme"),
    };
}

fn stored_theme() -> String {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .and_then(|storage| storage.get_item(THEME_KEY).ok().flatten())
        .filter(|theme| THEMES.iter().any(|(value, _)| value == theme))
        .unwrap_or_else(|| "system".into())
}

/// Light, dark, or the system's choice; kept across visits in `localStorage`.
#[component]
fn ThemeChooser() -> impl IntoView {
    let theme = RwSignal::new(stored_theme());
    Effect::new(move || apply_theme(&theme.read()));
    let choose = move |event: leptos::ev::Event| {
        let chosen = event_target_value(&event);
        if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = storage.set_item(THEME_KEY, &chosen);
        }
        theme.set(chosen);
    };
    view! {
        <label>
            {t("Theme")}" "
            <select on:change=choose prop:value=move || theme.get()>
                {THEMES
                    .iter()
                    .map(|(value, label)| {
                        let selected = theme.get_untracked() == *value;
                        view! { <option value=*value selected=selected>{t(label)}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// English or French, each named in its own language; choosing one keeps it for later visits
/// and reloads the page in it ([`i18n::switch_to`]). A plain `<select>`, so it works from the
/// keyboard and screen readers announce it by its label.
#[component]
fn LanguageChooser() -> impl IntoView {
    let current = i18n::lang();
    let choose = move |event: leptos::ev::Event| {
        let chosen = event_target_value(&event);
        if let Some(lang) = Lang::parse(&chosen).filter(|lang| *lang != current) {
            i18n::switch_to(lang);
        }
    };
    view! {
        <label>
            {t("Language")}" "
            <select on:change=choose prop:value=current.code()>
                {Lang::ALL
                    .iter()
                    .map(|lang| {
                        view! {
                            <option value=lang.code() lang=lang.code() selected=*lang == current>
                                {lang.native_name()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}
