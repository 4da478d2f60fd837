//! The masthead: the product name, the project switcher, and who is logged in.

use crate::api::{session, Config};
use crate::auth::Auth;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use stylers_macro::style;

/// The project in a path like `/k8s/ns/<project>/…`.
pub fn project_in_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/k8s/ns/")?;
    let project = rest.split('/').next()?;
    (!project.is_empty()).then(|| project.to_owned())
}

/// Top bar of every page.
#[component]
pub fn Masthead() -> impl IntoView {
    let class = style! {
        header {
            display: flex;
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
    let log_out = move |_| {
        session::forget_token();
        auth.client
            .update(|client| *client = client.without_token());
        auth.user.set(None);
        navigate("/login", Default::default());
    };
    view! { class=class,
        <header>
            <span class="brand">"imagestream-console"</span>
            {move || auth.user.get().map(|_| view! { <ProjectSwitcher /> })}
            {move || {
                auth.user
                    .get()
                    .map(|user| {
                        let name = user.metadata.name().to_owned();
                        view! {
                            <span>"Logged in as " <strong>{name}</strong></span>
                            <button type="button" on:click=log_out.clone()>"Log out"</button>
                        }
                    })
            }}
        </header>
    }
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
    let current = move || project_in_path(&location.pathname.get()).unwrap_or_default();
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
            "Project "
            <select on:change=choose prop:value=current>
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
                            view! { <option value="">{format!("Projects unavailable: {err}")}</option> }.into_any()
                        }
                        None => view! { <option value="">"Loading projects…"</option> }.into_any(),
                    }
                }}
            </select>
        </label>
    }
}
