//! Browser entry point: mounts the console into the page.

fn main() {
    console_error_panic_hook::set_once();
    imagestream_console::i18n::init();
    leptos::mount::mount_to_body(imagestream_console::App);
}
