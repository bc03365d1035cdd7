//! "Dokumente und Ausgänge" in the Vorgang screen (issue 20 with the outputs of issue 19): the
//! case's documents (open each), its payment requests ("als bezahlt markieren") and what left
//! or will leave the server — a failed delivery is shown with its error and "erneut senden".
//! Every action sends once (the button is busy meanwhile) and reloads the case afterwards.

use fachwerk_shared::api::{CaseOutputs as Outputs, CaseView, DeliveryStatus};
use fachwerk_shared::values::Money;
use leptos::prelude::*;

use super::text as tx;
use crate::api;
use crate::i18n::{Lang, T};
use crate::pure::applicant::human_size;
use crate::pure::case_values::show_money;
use crate::server::{focus_later, tr};

fn delivery_state(s: DeliveryStatus) -> T {
    match s {
        DeliveryStatus::Pending => tx::DELIVERY_PENDING,
        DeliveryStatus::Sent => tx::DELIVERY_SENT,
        DeliveryStatus::Failed => tx::DELIVERY_FAILED,
    }
}

/// The documents, payments and deliveries of the case in `case`; `reload` fetches the case
/// again after an action.
#[component]
pub fn CaseOutputs(case: RwSignal<Option<CaseView>>, reload: Callback<()>) -> impl IntoView {
    let ui_lang = crate::shell::use_lang();
    let t = move |s: T| tr(ui_lang, s);
    let case_id = Memo::new(move |_| case.with(|c| c.as_ref().map(|c| c.summary.id.clone())));
    // Fetched again whenever the case changes (its revision after an action).
    let revision = Memo::new(move |_| case.with(|c| c.as_ref().map(|c| c.summary.revision)));
    let outputs = LocalResource::new(move || {
        let id = case_id.get();
        revision.get();
        async move {
            match id {
                Some(id) => Some(api::case_outputs(&id).await),
                None => None,
            }
        }
    });
    let busy = RwSignal::new(None::<String>);
    // The payment whose "als bezahlt markieren" waits for the confirmation.
    let confirm = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<String>);
    let act = Action::new_local(move |(key, what): &(String, Act)| {
        let (key, what) = (key.clone(), what.clone());
        async move {
            let lang = ui_lang.get_untracked();
            let result = match &what {
                Act::Retry(id) => api::retry_delivery(id).await.map(|_| ()),
                Act::Paid { case, task } => api::mark_paid(case, task).await.map(|_| ()),
            };
            busy.set(None);
            match result {
                Ok(()) => {
                    error.set(None);
                    outputs.refetch();
                    reload.run(());
                }
                Err(e) => error.set(Some(e.message(lang))),
            }
            let _ = key;
        }
    });
    let run = move |key: String, what: Act| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(key.clone()));
        act.dispatch_local((key, what));
    };
    let body = move || {
        let lang = ui_lang.get();
        let Some(Some(Ok(o))) = outputs.get() else {
            return match outputs.get() {
                Some(Some(Err(e))) => {
                    view! { <p class="srv-error">{e.message(lang)}</p> }.into_any()
                }
                _ => view! { <p>{t(tx::LOADING)}</p> }.into_any(),
            };
        };
        let id = case_id.get_untracked().unwrap_or_default();
        let open = case.with_untracked(|c| {
            c.as_ref()
                .is_some_and(|c| c.summary.status != fachwerk_shared::api::CaseStatus::Ended)
        });
        let upload = open.then(|| {
            let done = Callback::new(move |()| {
                outputs.refetch();
                reload.run(());
            });
            view! { <crate::cases::DocumentUpload case_id=id.clone() done=done /> }
        });
        view! {
            {outputs_view(o, id.clone(), lang, busy, confirm, run)}
            {upload}
        }
        .into_any()
    };
    view! {
        <div id="case-outputs-body">
            {body}
            <p id="case-outputs-error" class="srv-error" role="alert">{move || error.get()}</p>
        </div>
    }
}

#[derive(Debug, Clone)]
enum Act {
    Retry(String),
    Paid { case: String, task: String },
}

/// Focus the element with a computed id once the view is drawn.
fn focus_later_owned(id: String) {
    request_animation_frame(move || {
        if let Some(e) = document().get_element_by_id(&id) {
            if let Ok(e) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e) {
                let _ = e.focus();
            }
        }
    });
}

fn outputs_view(
    o: Outputs,
    case_id: String,
    lang: Lang,
    busy: RwSignal<Option<String>>,
    confirm: RwSignal<Option<String>>,
    run: impl Fn(String, Act) + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let docs = if o.documents.is_empty() {
        view! { <p id="case-documents-none">{tx::NO_DOCUMENTS.get(lang)}</p> }.into_any()
    } else {
        let items = o
            .documents
            .iter()
            .map(|d| {
                let href = api::document_url(&case_id, &d.id);
                view! {
                    <li class="case-document">
                        <a href=href target="_blank" rel="noopener">{d.name.clone()}</a>
                        {format!(" ({}, {})", crate::pure::applicant::type_name(&d.media_type), human_size(d.size))}
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! { <ul id="case-documents">{items}</ul> }.into_any()
    };
    let payments = o
        .payments
        .iter()
        .map(|p| {
            let amount = Money::parse(&p.amount)
                .map(|m| show_money(m, lang))
                .unwrap_or_else(|_| p.amount.clone());
            let key = format!("pay-{}", p.task);
            let (k2, run) = (key.clone(), run.clone());
            let what = Act::Paid {
                case: p.case_id.clone(),
                task: p.task.clone(),
            };
            let label = format!("{}: {} ({})", tx::MARK_PAID.get(lang), p.kassenzeichen, amount);
            let question = match lang {
                Lang::De => format!("Ist die Zahlung von {amount} (Kassenzeichen {}) eingegangen?", p.kassenzeichen),
                Lang::En => format!("Has the payment of {amount} (Kassenzeichen {}) been received?", p.kassenzeichen),
            };
            let mark_id = format!("payment-mark-{}", p.task);
            let state = match &p.paid_at {
                Some(at) => view! { <span class="payment-paid">{format!("{} {}", tx::PAID_ON.get(lang), at.get(..10).unwrap_or(at))}</span> }.into_any(),
                None => {
                    let (k3, k4, mark_id2) = (key.clone(), key.clone(), mark_id.clone());
                    (move || {
                        if confirm.get().as_deref() == Some(k3.as_str()) {
                            let (run, key, what, mark_id) = (run.clone(), key.clone(), what.clone(), mark_id2.clone());
                            view! {
                                <span class="payment-confirm" role="group" aria-labelledby="payment-confirm-text">
                                    <span id="payment-confirm-text">{question.clone()}</span>
                                    " "
                                    <button type="button" id="payment-confirm-yes" class="primary"
                                        disabled=move || busy.with(Option::is_some)
                                        on:click=move |_| { confirm.set(None); run(key.clone(), what.clone()) }>
                                        {tx::CONFIRM_PAID_YES.get(lang)}
                                    </button>
                                    " "
                                    <button type="button" id="payment-confirm-no"
                                        on:click=move |_| { confirm.set(None); focus_later_owned(mark_id.clone()) }>
                                        {tx::CANCEL.get(lang)}
                                    </button>
                                </span>
                            }.into_any()
                        } else {
                            let (k2, k4) = (k2.clone(), k4.clone());
                            view! {
                                <button type="button" class="payment-mark-paid" id=mark_id.clone() aria-label=label.clone()
                                    aria-busy=move || (busy.get().as_deref() == Some(k2.as_str())).to_string()
                                    disabled=move || busy.with(Option::is_some)
                                    on:click=move |_| { confirm.set(Some(k4.clone())); focus_later("payment-confirm-yes") }>
                                    {tx::MARK_PAID.get(lang)}
                                </button>
                            }.into_any()
                        }
                    }).into_any()
                }
            };
            view! {
                <tr class="payment-row" data-task=p.task.clone()>
                    <td>{p.kassenzeichen.clone()}</td>
                    <td>{amount.clone()}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let has_payments = !payments.is_empty();
    let deliveries = o
        .deliveries
        .iter()
        .map(|d| {
            let failed = d.status == DeliveryStatus::Failed;
            let key = format!("retry-{}", d.id);
            let (k2, run) = (key.clone(), run.clone());
            let what = Act::Retry(d.id.clone());
            let label = format!("{}: {}", tx::RETRY.get(lang), d.label);
            view! {
                <tr class="delivery-row" class:delivery-failed=failed data-delivery-id=d.id.clone()>
                    <td>{d.label.clone()}</td>
                    <td>{if d.held { tx::DELIVERY_HELD.get(lang) } else { delivery_state(d.status).get(lang) }}{d.last_error.clone().filter(|_| failed).map(|e| format!(" – {e}"))}</td>
                    <td>{failed.then(|| view! {
                        <button type="button" class="delivery-retry" aria-label=label aria-busy=move || (busy.get().as_deref() == Some(k2.as_str())).to_string()
                            disabled=move || busy.with(Option::is_some) on:click=move |_| run(key.clone(), what.clone())>
                            {tx::RETRY.get(lang)}
                        </button>
                    })}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let has_deliveries = !deliveries.is_empty();
    view! {
        <h4>{tx::DOCUMENTS.get(lang)}</h4>
        {docs}
        {has_payments.then(|| view! {
            <h4>{tx::PAYMENTS.get(lang)}</h4>
            <table id="case-payments" class="srv-table">
                <thead><tr><th scope="col">"Kassenzeichen"</th><th scope="col">{tx::AMOUNT.get(lang)}</th><th scope="col">{tx::STATE.get(lang)}</th></tr></thead>
                <tbody>{payments}</tbody>
            </table>
        })}
        {has_deliveries.then(|| view! {
            <h4>{tx::DELIVERIES.get(lang)}</h4>
            <table id="case-deliveries" class="srv-table">
                <thead><tr><th scope="col">{tx::WHAT.get(lang)}</th><th scope="col">{tx::STATE.get(lang)}</th><th scope="col"><span class="sr-only">{tx::RETRY.get(lang)}</span></th></tr></thead>
                <tbody>{deliveries}</tbody>
            </table>
        })}
    }
}
