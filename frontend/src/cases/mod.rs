//! The clerk's screens (issue 20): the Arbeitskorb (`/arbeitskorb`) with the tasks of the
//! logged-in person, and the Vorgang (`/vorgang/{id}`) with the case's data, its path on the
//! workflow drawing, its history and its open tasks to complete.
//!
//! `korb` and `scene` are pure (native unit tests); the screens build for the browser only.

pub mod korb;
pub mod scene;

#[cfg(target_arch = "wasm32")]
mod documents;
#[cfg(target_arch = "wasm32")]
mod list;
#[cfg(target_arch = "wasm32")]
mod query;
#[cfg(target_arch = "wasm32")]
mod task;
#[cfg(target_arch = "wasm32")]
mod vorgang;

#[cfg(target_arch = "wasm32")]
pub use documents::DocumentUpload;
#[cfg(target_arch = "wasm32")]
pub use list::{korb_screen, provide, use_korb, Korb, KorbButton, Load};
#[cfg(target_arch = "wasm32")]
pub use vorgang::case_screen;

/// Titles of the two screens.
pub const KORB_TITLE: crate::i18n::T = crate::i18n::T("Arbeitskorb", "Work basket");
pub const CASE_TITLE: crate::i18n::T = crate::i18n::T("Vorgang", "Case");
