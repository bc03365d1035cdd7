//! Shorthands for inspector forms: read one parameter of the inspected block as a signal, and
//! edit parameters as one `Op::SetParams`.

/// `param!(kind, Variant, |p| expr)`: a `Signal` of `expr` (default if the type differs).
macro_rules! param {
    ($kind:expr, $variant:ident, |$p:ident| $e:expr) => {{
        let kind = $kind;
        ::leptos::prelude::Signal::derive(move || {
            kind.with(|k| match k {
                Some(::fachwerk_shared::BlockKind::$variant($p)) => $e,
                _ => Default::default(),
            })
        })
    }};
}

/// `edit!(ed, id, Variant, |p, v: T| body)`: a `Callback<T>` applying `body` to the params;
/// `id` is a `StoredValue<BlockId>` so that it is `Copy`.
macro_rules! edit {
    ($ed:expr, $id:expr, $variant:ident, |$p:ident, $v:ident : $t:ty| $body:expr) => {{
        let ed = $ed;
        let id: ::leptos::prelude::StoredValue<::fachwerk_shared::BlockId> = $id;
        ::leptos::prelude::Callback::new(move |$v: $t| {
            let id = id.get_value();
            $crate::editor::inspector::edit_kind(ed, &id, |k| {
                if let ::fachwerk_shared::BlockKind::$variant($p) = k {
                    $body;
                }
            })
        })
    }};
}
