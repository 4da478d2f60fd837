//! Keeps Tab inside an open modal dialog. `showModal()` makes the rest of the page inert, but
//! Tab from the dialog's last control leaves the page for the browser's own controls; the
//! dialogs (Add tag, Delete) call [`wrap_tab`] on every keydown so that Tab from the last
//! control goes to the first and Shift+Tab from the first to the last, as WAI-ARIA's dialog
//! pattern asks.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// The elements Tab can stop at (before leaving out the hidden ones).
const FOCUSABLE: &str = "a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),summary,[tabindex]";

/// On Tab from `dialog`'s last reachable control, focuses its first; on Shift+Tab from its
/// first, its last. Other keys, and Tab between the two ends, are left to the browser.
pub fn wrap_tab(dialog: &Element, event: &KeyboardEvent) {
    if event.key() != "Tab" {
        return;
    }
    let Ok(found) = dialog.query_selector_all(FOCUSABLE) else {
        return;
    };
    // Reachable: in the tab order and rendered (no offset parent means display: none).
    let reachable = (0..found.length())
        .filter_map(|index| found.item(index))
        .filter_map(|node| node.dyn_into::<HtmlElement>().ok())
        .filter(|element| element.tab_index() >= 0 && element.offset_parent().is_some());
    let (mut first, mut last) = (None, None);
    for element in reachable {
        if first.is_none() {
            first = Some(element.clone());
        }
        last = Some(element);
    }
    let (Some(first), Some(last)) = (first, last) else {
        return;
    };
    let active = dialog
        .owner_document()
        .and_then(|document| document.active_element());
    let is = |element: &HtmlElement| {
        active
            .as_ref()
            .is_some_and(|active| active == element.unchecked_ref::<Element>())
    };
    let outside = !active
        .as_ref()
        .is_some_and(|active| dialog.contains(Some(active.as_ref())));
    let target = if event.shift_key() {
        (is(&first) || outside).then_some(last)
    } else {
        (is(&last) || outside).then_some(first)
    };
    if let Some(target) = target {
        event.prevent_default();
        let _ = target.focus();
    }
}
