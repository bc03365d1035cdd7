//! The inspector: a typed form for the selected block, or the selected edge, or a summary.
//! The form is rebuilt only when the selected block or its type changes, so focus survives
//! every edit; the fields read their values reactively.

use fachwerk_shared::catalog;
use fachwerk_shared::{BlockId, BlockKind, BlockType, EdgeId, Op};
use leptos::prelude::*;

use super::widgets::text_field;
use super::{commands, params, problems, use_editor, Editor};
use crate::i18n::{self, Lang};
use crate::pure::geometry::{port_text, ports_of, type_name};
use crate::pure::help;

/// Applies `f` to a copy of the block's parameters; one `SetParams` step if anything changed.
pub fn edit_kind(ed: Editor, id: &BlockId, f: impl FnOnce(&mut BlockKind)) {
    let Some(old) = ed
        .wf
        .with_untracked(|w| w.block(id).map(|b| b.kind.clone()))
    else {
        return;
    };
    let mut kind = old.clone();
    f(&mut kind);
    if kind != old {
        ed.apply(Op::SetParams {
            id: id.clone(),
            kind,
        });
    }
}

#[component]
pub fn Inspector() -> impl IntoView {
    let ed = use_editor();
    let parts = crate::on_demand::use_parts();
    let sel = Memo::new(move |_| ed.single_selected());
    let sel_type = Memo::new(move |_| {
        sel.get()
            .and_then(|id| ed.wf.with(|w| w.block(&id).map(|b| b.block_type())))
    });
    let count = Memo::new(move |_| ed.selection.with(|s| s.len()));
    let body = move || match (sel.get(), sel_type.get()) {
        (Some(id), Some(t)) => parts.show(|p| (p.block_form)(ed, id, t)),
        _ if count.get() > 1 => parts.show(|p| (p.multi_form)(ed, count)),
        _ => match ed.sel_edge.get() {
            Some(e) => parts.show(|p| (p.edge_form)(ed, e)),
            None => {
                view! { <p class="empty">{move || ed.t(i18n::NOTHING_SELECTED)}</p> }.into_any()
            }
        },
    };
    view! {
        <section id="inspector" aria-labelledby="inspector-title">
            <h2 id="inspector-title">{move || ed.t(i18n::INSPECTOR)}</h2>
            {body}
        </section>
    }
}

/// The form of several selected blocks (loaded on demand, `crate::on_demand`).
pub fn multi_form(ed: Editor, count: Memo<usize>) -> AnyView {
    view! {
        <div class="multi-form">
            <p>{move || format!("{} {}", count.get(), ed.t(i18n::N_SELECTED))}</p>
            <div class="actions">
                <button type="button" on:click=move |_| ed.run(commands::Command::Duplicate)>{move || ed.t(i18n::DUPLICATE)}</button>
                <button type="button" class="danger" on:click=move |_| {
                    commands::delete_selection(ed);
                    // The form goes with what it showed: the focus goes to the canvas.
                    crate::a11y::focus_later("canvas");
                }>{move || ed.t(i18n::DELETE)}</button>
            </div>
        </div>
    }
    .into_any()
}

/// A connection's form (loaded on demand, `crate::on_demand`).
pub fn edge_form(ed: Editor, id: EdgeId) -> AnyView {
    let info = {
        let id = id.clone();
        move || {
            let lang = ed.lang.get();
            ed.wf.with(|w| {
                let e = w.edge(&id)?;
                let from = w.block(&e.from)?;
                let port = ports_of(from)
                    .into_iter()
                    .find(|p| p.name == e.port)
                    .map_or(e.port.clone(), |p| port_text(&p, lang));
                let name = |b: &BlockId| match lang {
                    Lang::De => w.block_label(b),
                    Lang::En => w.block_label_en(b),
                };
                Some((name(&e.from), port, name(&e.to)))
            })
        }
    };
    view! {
        <div class="edge-form" data-edge-id=id.0.clone()>
            <h3>{move || ed.t(i18n::EDGE)}</h3>
            {move || {
                info()
                    .map(|(from, port, to)| {
                        view! {
                            <dl>
                                <dt>{move || ed.t(i18n::EDGE_FROM)}</dt>
                                <dd>{from}</dd>
                                <dt>{move || ed.t(i18n::EXIT)}</dt>
                                <dd>{port}</dd>
                                <dt>{move || ed.t(i18n::EDGE_TO)}</dt>
                                <dd>{to}</dd>
                            </dl>
                        }
                    })
            }}
            <div class="actions">
                <button type="button" class="danger" id="btn-delete-edge" on:click=move |_| {
                    commands::delete_selection(ed);
                    // The form goes with what it showed: the focus goes to the canvas.
                    crate::a11y::focus_later("canvas");
                }>{move || ed.t(i18n::DELETE)}</button>
            </div>
        </div>
    }
    .into_any()
}

/// A block's form (loaded on demand, `crate::on_demand`).
pub fn block_form(ed: Editor, id: BlockId, t: BlockType) -> AnyView {
    let kind = Memo::new({
        let id = id.clone();
        move |_| ed.wf.with(|w| w.block(&id).map(|b| b.kind.clone()))
    });
    let label = Signal::derive({
        let id = id.clone();
        move || {
            ed.wf
                .with(|w| w.block(&id).map(|b| b.label.clone()).unwrap_or_default())
        }
    });
    let rename = Callback::new({
        let id = id.clone();
        move |s: String| {
            let s = s.trim().to_string();
            if label.get_untracked() != s {
                ed.apply(Op::RenameBlock {
                    id: id.clone(),
                    label: s,
                });
            }
        }
    });
    let info = catalog::info(t);
    let lang = ed.lang;
    let own_findings = {
        let id = id.clone();
        move || {
            ed.findings.with(|fs| {
                fs.iter()
                    .filter(|f| f.element.block.as_ref() == Some(&id))
                    .map(|f| {
                        let (de, en) = (f.message_de.clone(), f.message_en.clone());
                        let class = if f.is_error() { "error" } else { "warning" };
                        let el = f.element.clone();
                        view! {
                            <li class=class data-code=f.code.clone()>
                                <button type="button" class="link" on:click=move |_| problems::reveal(ed, &el)>
                                    {move || if lang.get() == Lang::De { de.clone() } else { en.clone() }}
                                </button>
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()
            })
        }
    };
    let has_ports = Memo::new(move |_| {
        kind.with(|k| k.as_ref().is_some_and(|k| !catalog::ports(k).is_empty()))
    });
    view! {
        <div class="block-form" data-block-id=id.0.clone() data-block-type=t.tag()>
            <p class="type-line">
                <span class="palette-icon" aria-hidden="true"><super::menu::Icon d=crate::pure::icons::block_icon(t) /></span>
                <strong>{move || type_name(t, lang.get())}</strong>
                " "
                <code title=move || ed.t(i18n::BLOCK_ID)>{id.0.clone()}</code>
            </p>
            <p class="help">
                {move || if lang.get() == Lang::De { info.help_de } else { info.help_en }}
                " "
                <a class="more" href=help::block_page(t) target="_blank" rel="noopener">
                    {move || ed.t(i18n::LEARN_MORE)}
                </a>
            </p>
            <ul class="block-findings" aria-label=move || ed.t(i18n::BLOCK_FINDINGS)>{own_findings}</ul>
            {text_field(i18n::LABEL, label, rename)}
            {params::form(ed, id.clone(), t, kind)}
            <div class="actions">
                <button type="button" id="btn-connect-inline" disabled=move || !has_ports.get() on:click=move |_| ed.connect_open.set(true)>
                    {move || ed.t(i18n::CONNECT)}
                </button>
                <button type="button" on:click=move |_| ed.run(commands::Command::Duplicate)>{move || ed.t(i18n::DUPLICATE)}</button>
                <button type="button" class="danger" on:click=move |_| {
                    commands::delete_selection(ed);
                    // The form goes with what it showed: the focus goes to the canvas.
                    crate::a11y::focus_later("canvas");
                }>{move || ed.t(i18n::DELETE)}</button>
            </div>
        </div>
    }
    .into_any()
}
