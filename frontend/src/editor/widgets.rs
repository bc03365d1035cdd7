//! Form widgets for the inspector and the settings dialog. Text commits on `change` (blur or
//! Enter), so typing is one undo step; parsed fields keep rejected text in view state.

use std::sync::atomic::{AtomicUsize, Ordering};

use fachwerk_shared::values::parse_iso_duration;
use fachwerk_shared::{Duration, Money};
use leptos::prelude::*;

use super::{use_editor, RawInput};
use crate::i18n::{self, Lang, T};
use crate::pure::params::{iso, split_duration};

/// A page-unique element id for label/input pairs.
pub fn uid(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A label in the current language.
fn label_text(label: T) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let ed = use_editor();
    move || ed.t(label)
}

pub fn text_field(label: T, value: Signal<String>, commit: Callback<String>) -> AnyView {
    let id = uid("f");
    view! {
        <div class="field">
            <label for=id.clone()>{label_text(label)}</label>
            <input id=id type="text" prop:value=move || value.get() on:change=move |ev| commit.run(event_target_value(&ev)) />
        </div>
    }
    .into_any()
}

pub fn text_area(label: T, value: Signal<String>, commit: Callback<String>) -> AnyView {
    let id = uid("f");
    view! {
        <div class="field">
            <label for=id.clone()>{label_text(label)}</label>
            <textarea id=id rows="3" prop:value=move || value.get() on:change=move |ev| commit.run(event_target_value(&ev))></textarea>
        </div>
    }
    .into_any()
}

pub fn checkbox(label: T, value: Signal<bool>, commit: Callback<bool>) -> AnyView {
    let id = uid("f");
    view! {
        <div class="field check">
            <input id=id.clone() type="checkbox" prop:checked=move || value.get() on:change=move |ev| commit.run(event_target_checked(&ev)) />
            <label for=id>{label_text(label)}</label>
        </div>
    }
    .into_any()
}

/// A select over `(value, text)` options.
pub fn select(
    label: T,
    options: Signal<Vec<(String, String)>>,
    value: Signal<String>,
    commit: Callback<String>,
) -> AnyView {
    let id = uid("f");
    view! {
        <div class="field">
            <label for=id.clone()>{label_text(label)}</label>
            <select id=id on:change=move |ev| commit.run(event_target_value(&ev))>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let selected = v == value.get();
                            view! { <option value=v selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
    .into_any()
}

/// A select over the values of a parameter enum, labelled with `i18n::value_label`.
pub fn enum_select<E>(
    label: T,
    all: &'static [E],
    tag: fn(E) -> &'static str,
    value: Signal<E>,
    commit: Callback<E>,
) -> AnyView
where
    E: Copy + PartialEq + Send + Sync + 'static,
{
    let ed = use_editor();
    let options = Signal::derive(move || {
        let lang = ed.lang.get();
        all.iter()
            .map(|&e| {
                (
                    tag(e).to_string(),
                    i18n::value_label(tag(e)).get(lang).to_string(),
                )
            })
            .collect()
    });
    let current = Signal::derive(move || tag(value.get()).to_string());
    let on = Callback::new(move |v: String| {
        if let Some(&e) = all.iter().find(|&&e| tag(e) == v) {
            commit.run(e);
        }
    });
    select(label, options, current, on)
}

/// Checkboxes for a set of enum values (payment methods, Veraktung contents).
pub fn enum_checks<E>(
    label: T,
    all: &'static [E],
    tag: fn(E) -> &'static str,
    value: Signal<Vec<E>>,
    commit: Callback<Vec<E>>,
) -> AnyView
where
    E: Copy + PartialEq + Send + Sync + 'static,
{
    let ed = use_editor();
    let boxes = all
        .iter()
        .map(|&e| {
            let id = uid("f");
            view! {
                <span class="check-item">
                    <input
                        id=id.clone()
                        type="checkbox"
                        prop:checked=move || value.with(|v| v.contains(&e))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            // Keep the declared order of the enum, not the click order.
                            let cur = value.get_untracked();
                            let next: Vec<E> = all.iter().copied().filter(|x| if *x == e { on } else { cur.contains(x) }).collect();
                            commit.run(next);
                        }
                    />
                    <label for=id>{move || i18n::value_label(tag(e)).get(ed.lang.get())}</label>
                </span>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field checks">
            <legend>{label_text(label)}</legend>
            {boxes}
        </fieldset>
    }
    .into_any()
}

/// A text field whose content must parse. `try_commit` parses and commits, or returns the
/// German/English message. Rejected text stays in the field (view state) until it parses.
pub fn parsed_field(
    key: String,
    label: T,
    display: Signal<String>,
    try_commit: Callback<String, Result<(), String>>,
    placeholder: Option<T>,
) -> AnyView {
    let ed = use_editor();
    let id = uid("f");
    let err_id = format!("{id}-err");
    let raw = ed.raw;
    // Keys are "<block id>/<parameter path>": findings on that parameter show here too.
    let note = key
        .split_once('/')
        .map(|(b, p)| param_note(b.to_string(), p.to_string()));
    let text = {
        let key = key.clone();
        move || {
            raw.with(|m| m.get(&key).map(|r| r.text.clone()))
                .unwrap_or_else(|| display.get())
        }
    };
    let error = {
        let key = key.clone();
        Signal::derive(move || raw.with(|m| m.get(&key).and_then(|r| r.error.clone())))
    };
    let on_input = {
        let key = key.clone();
        move |ev| {
            let t = event_target_value(&ev);
            raw.update(|m| m.entry(key.clone()).or_insert_with(RawInput::default).text = t);
        }
    };
    let on_change = move |ev| {
        let t = event_target_value(&ev);
        match try_commit.run(t.clone()) {
            Ok(()) => raw.update(|m| {
                m.remove(&key);
            }),
            Err(e) => raw.update(|m| {
                m.insert(
                    key.clone(),
                    RawInput {
                        text: t,
                        error: Some(e),
                    },
                );
            }),
        }
    };
    let ph = move || placeholder.map(|p| ed.t(p)).unwrap_or("");
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label_text(label)}</label>
            <input
                id=id
                type="text"
                placeholder=ph
                prop:value=text
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=err_id.clone()
                on:input=on_input
                on:change=on_change
            />
            <span class="field-error" id=err_id role="alert">{move || error.get()}</span>
            {note}
        </div>
    }
    .into_any()
}

/// Money in German notation ("1.000,50 €"); empty = `None` when `optional`.
pub fn money_field(
    key: String,
    label: T,
    value: Signal<Option<Money>>,
    commit: Callback<Option<Money>>,
    optional: bool,
) -> AnyView {
    let ed = use_editor();
    let display = Signal::derive(move || {
        value
            .get()
            .map(|m| {
                if ed.lang.get() == Lang::De {
                    m.to_german()
                } else {
                    m.to_english()
                }
            })
            .unwrap_or_default()
    });
    let try_commit = Callback::new(move |t: String| {
        let lang = ed.lang.get_untracked();
        if t.trim().is_empty() {
            if optional {
                commit.run(None);
                return Ok(());
            }
            return Err(msg(
                lang,
                "Bitte einen Betrag eingeben, z. B. 1.000 €.",
                "Please enter an amount, e.g. 1,000 €.",
            ));
        }
        // In English ',' groups thousands and '.' is the decimal point ("€1,000.50").
        let normalized = if lang == Lang::En {
            t.replace([',', '€'], "")
        } else {
            t.replace('€', "")
        };
        match Money::parse(&normalized) {
            Ok(m) if m.cents() < 0 => Err(msg(
                lang,
                "Der Betrag darf nicht negativ sein.",
                "The amount must not be negative.",
            )),
            Ok(m) => {
                commit.run(Some(m));
                Ok(())
            }
            Err(e) => Err(match lang {
                Lang::De => format!("{e}. Beispiel: 25.000 € oder 1.000,50 €"),
                Lang::En => format!("Not an amount: “{t}”. Example: 25,000 or 1000.50"),
            }),
        }
    });
    let ph = if optional {
        Some(i18n::UNLIMITED)
    } else {
        None
    };
    parsed_field(key, label, display, try_commit, ph)
}

fn msg(lang: Lang, de: &str, en: &str) -> String {
    if lang == Lang::De {
        de.to_string()
    } else {
        en.to_string()
    }
}

/// A whole number; empty = `None`.
pub fn number_field(
    key: String,
    label: T,
    value: Signal<Option<u32>>,
    commit: Callback<Option<u32>>,
) -> AnyView {
    let ed = use_editor();
    let display = Signal::derive(move || value.get().map(|n| n.to_string()).unwrap_or_default());
    let try_commit = Callback::new(move |t: String| {
        let t = t.trim().to_string();
        if t.is_empty() {
            commit.run(None);
            return Ok(());
        }
        match t.parse::<u32>() {
            Ok(n) => {
                commit.run(Some(n));
                Ok(())
            }
            Err(_) => Err(match ed.lang.get_untracked() {
                Lang::De => format!("„{t}“ ist keine ganze Zahl ≥ 0."),
                Lang::En => format!("“{t}” is not a whole number ≥ 0."),
            }),
        }
    });
    parsed_field(key, label, display, try_commit, None)
}

/// Units offered for durations: ISO designator, time part?, German/English plural.
const UNITS: [(char, bool, T); 5] = [
    ('D', false, T("Tage", "days")),
    ('W', false, T("Wochen", "weeks")),
    ('M', false, T("Monate", "months")),
    ('Y', false, T("Jahre", "years")),
    ('H', true, T("Stunden", "hours")),
];

/// A duration as number + unit ("14" "Tage"), stored as ISO 8601 ("P14D"). Compound values
/// ("P1M2D") can be typed as ISO text into the number field.
pub fn duration_field(
    key: String,
    label: T,
    value: Signal<Option<Duration>>,
    commit: Callback<Option<Duration>>,
) -> AnyView {
    let ed = use_editor();
    let local_unit = RwSignal::new(
        value
            .get_untracked()
            .as_ref()
            .and_then(split_duration)
            .map_or('D', |s| s.1),
    );
    let unit = Signal::derive(move || {
        value
            .get()
            .as_ref()
            .and_then(split_duration)
            .map_or_else(|| local_unit.get(), |s| s.1)
    });
    let display = Signal::derive(move || match value.get() {
        None => String::new(),
        Some(d) => split_duration(&d).map_or(d.0.clone(), |(n, _)| n.to_string()),
    });
    let try_commit = Callback::new(move |t: String| {
        let t = t.trim().to_string();
        if t.is_empty() {
            commit.run(None);
            return Ok(());
        }
        if let Ok(n) = t.parse::<u32>() {
            commit.run(Some(iso(n, unit.get_untracked())));
            return Ok(());
        }
        let upper = t.to_uppercase();
        match parse_iso_duration(&upper) {
            Ok(_) => {
                commit.run(Some(Duration(upper)));
                Ok(())
            }
            Err(_) => Err(match ed.lang.get_untracked() {
                Lang::De => format!("„{t}“ ist keine Dauer. Bitte eine Zahl eingeben (z. B. 14) oder ISO 8601 (z. B. P1M2D)."),
                Lang::En => format!("“{t}” is not a duration. Enter a number (e.g. 14) or ISO 8601 (e.g. P1M2D)."),
            }),
        }
    });
    let unit_id = uid("u");
    let reading = move || {
        value
            .get()
            .map(|d| {
                if ed.lang.get() == Lang::De {
                    d.to_german()
                } else {
                    d.to_english()
                }
            })
            .unwrap_or_default()
    };
    let on_unit = move |ev| {
        let v = event_target_value(&ev);
        let Some(u) = v.chars().next() else { return };
        local_unit.set(u);
        if let Some((n, _)) = value.get_untracked().as_ref().and_then(split_duration) {
            commit.run(Some(iso(n, u)));
        }
    };
    view! {
        <div class="duration">
            {parsed_field(key, label, display, try_commit, None)}
            <div class="field unit">
                <label for=unit_id.clone() class="sr-only">{move || ed.t(T("Einheit", "Unit"))}</label>
                <select id=unit_id on:change=on_unit>
                    {UNITS
                        .iter()
                        .map(|&(c, _, name)| {
                            view! {
                                <option value=c.to_string() selected=move || unit.get() == c>
                                    {move || ed.t(name)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <span class="reading" aria-hidden="true">{reading}</span>
        </div>
    }
    .into_any()
}

/// Messages of live findings about one parameter of a block, shown at its field.
pub fn param_note(block: String, path: String) -> impl IntoView {
    let ed = use_editor();
    move || {
        let lang = ed.lang.get();
        ed.findings.with(|fs| {
            fs.iter()
                .filter(|f| {
                    f.element.block.as_ref().is_some_and(|b| b.0 == block)
                        && f.element.param.as_deref() == Some(path.as_str())
                })
                .map(|f| {
                    let class = if f.is_error() {
                        "param-finding error"
                    } else {
                        "param-finding warning"
                    };
                    let text = if lang == Lang::De {
                        f.message_de.clone()
                    } else {
                        f.message_en.clone()
                    };
                    view! { <span class=class data-code=f.code.clone()>{text}</span> }
                })
                .collect::<Vec<_>>()
        })
    }
}
