//! One line for administrators above the publication requests: whether the catalogue reached
//! its remote (e.g. Open CoDE), and after a failure the error, the next try and "retry now".
//! Nothing is shown without a remote or to anyone else.

use fachwerk_shared::api::{PushState, PushStatus};
use leptos::prelude::*;

use super::drafts::short_date;
use super::text as tx;
use super::{tr, Srv};
use crate::api;
use crate::i18n::Lang;

/// The line's text in `lang`.
fn describe(s: &PushStatus, lang: Lang) -> String {
    let remote = s.remote.clone().unwrap_or_default();
    let date = |d: &Option<String>| d.as_deref().map(short_date).unwrap_or_default();
    let de = lang == Lang::De;
    match s.state {
        PushState::Disabled => String::new(),
        PushState::Ok if de => format!(
            "Katalog übertragen nach {remote} (zuletzt {} UTC).",
            date(&s.last_success)
        ),
        PushState::Ok => format!(
            "Catalogue pushed to {remote} (last {} UTC).",
            date(&s.last_success)
        ),
        PushState::Idle | PushState::Pending if de => {
            format!("Übertragung des Katalogs nach {remote} steht an.")
        }
        PushState::Idle | PushState::Pending => format!("Push of the catalogue to {remote} is due."),
        PushState::Failed if de => format!(
            "Übertragung nach {remote} fehlgeschlagen ({}. Versuch): {} Nächster Versuch {} UTC; die Veröffentlichungen selbst sind gespeichert.",
            s.attempts,
            s.last_error.clone().unwrap_or_default(),
            date(&s.next_retry)
        ),
        PushState::Failed => format!(
            "Push to {remote} failed (attempt {}): {} Next try {} UTC; the publications themselves are stored.",
            s.attempts,
            s.last_error.clone().unwrap_or_default(),
            date(&s.next_retry)
        ),
    }
}

pub fn remote_line(lang: RwSignal<Lang>, srv: Srv) -> impl IntoView {
    let admin = move || {
        srv.me
            .with(|m| m.as_ref().is_some_and(|m| m.role.is_admin()))
    };
    let status = LocalResource::new(move || async move {
        if admin() {
            api::push_status().await.ok()
        } else {
            None
        }
    });
    let retry = Action::new_local(move |_: &()| async move {
        match api::push_now().await {
            Ok(_) => status.refetch(),
            Err(e) => srv.fail(e.message(lang.get_untracked())),
        }
    });
    move || {
        let s = status.get().flatten()?;
        if s.state == PushState::Disabled {
            return None;
        }
        let failed = s.state == PushState::Failed;
        let state = api::wire_name(&s.state);
        Some(view! {
            <p id="remote-status" class="srv-remote" class:srv-hint=failed data-state=state>
                {move || describe(&s, lang.get())}
                <Show when=move || failed>
                    " "
                    <button type="button" id="btn-push-now" on:click=move |_| { retry.dispatch_local(()); }>
                        {tr(lang, tx::PUSH_NOW)}
                    </button>
                </Show>
            </p>
        })
    }
}
