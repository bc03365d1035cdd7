//! Fachwerk designer (browser): mounts the Leptos app. `cargo xtask` builds this binary for
//! wasm32 and splits its wasm at the functions marked `wasm_split` below into modules of their
//! own (`parts`, `check`, `regions`; `xtask/src/designer.rs`), which the app loads after its
//! first screen (`fachwerk_frontend::on_demand`).

#[cfg(target_arch = "wasm32")]
mod parts {
    use fachwerk_frontend::on_demand::{self as part, Command, OnDemand, SplitLoaderError};
    use fachwerk_frontend::on_demand::{BlockId, BlockType, Editor, Engine, ImportReport, Made};
    use fachwerk_frontend::on_demand::{Checked, Finding, Workflow};
    use fachwerk_frontend::on_demand::{EdgeId, Region, Saving, Srv, Submitting};
    use leptos::prelude::{AnyView, Memo, RwSignal};
    use leptos::wasm_split::wasm_split;

    // The views in one module (`parts`): one request, and the code they share is in it once.
    // `fallible`: a module that cannot be loaded is an error to show, not a panic.

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_probelauf_panel))]
    fn probelauf_panel(ed: Editor) -> Result<AnyView, SplitLoaderError> {
        Ok(part::probelauf_panel(ed))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_settings_dialog))]
    fn settings_dialog(ed: Editor) -> Result<AnyView, SplitLoaderError> {
        Ok(part::settings_dialog(ed))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_connect_dialog))]
    fn connect_dialog(ed: Editor) -> Result<AnyView, SplitLoaderError> {
        Ok(part::connect_dialog(ed))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_import_dialog))]
    fn import_dialog(ed: Editor, report: ImportReport) -> Result<AnyView, SplitLoaderError> {
        Ok(part::import_dialog(ed, report))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_block_form))]
    fn block_form(ed: Editor, id: BlockId, kind: BlockType) -> Result<AnyView, SplitLoaderError> {
        Ok(part::block_form(ed, id, kind))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_edge_form))]
    fn edge_form(ed: Editor, id: EdgeId) -> Result<AnyView, SplitLoaderError> {
        Ok(part::edge_form(ed, id))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_multi_form))]
    fn multi_form(ed: Editor, count: Memo<usize>) -> Result<AnyView, SplitLoaderError> {
        Ok(part::multi_form(ed, count))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_engine_export_dialog))]
    fn engine_export_dialog(
        ed: Editor,
        engine: Engine,
        made: RwSignal<Made>,
    ) -> Result<AnyView, SplitLoaderError> {
        Ok(part::engine_export_dialog(ed, engine, made))
    }

    // The regions of the page whose content waits for the server or the validation anyway: a
    // module of their own, smaller than the views', so they arrive sooner.
    #[wasm_split(regions, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_region))]
    fn region(which: Region) -> Result<AnyView, SplitLoaderError> {
        Ok(part::region(which))
    }

    // The menus' commands that are no direct manipulation (copy, paste, the exports …).
    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_command))]
    fn command(ed: Editor, command: Command) -> Result<(), SplitLoaderError> {
        part::command(ed, command);
        Ok(())
    }

    // Saving a draft and requesting a publication (the server's answers and their readers).
    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_save_draft))]
    fn save_draft(srv: Srv, ed: Editor, force_new: bool) -> Result<Saving, SplitLoaderError> {
        Ok(Box::pin(part::save_draft(srv, ed, force_new)))
    }

    #[wasm_split(parts, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_submit))]
    fn submit(srv: Srv, ed: Editor, note: String) -> Result<Submitting, SplitLoaderError> {
        Ok(Box::pin(part::submit(srv, ed, note)))
    }

    // The page's validation is a module of its own: the first screen shows its findings, and
    // it is smaller than the rest, so it arrives first.
    #[wasm_split(check, fallible, wasm_split_path = ::leptos::wasm_split, preload(load_validate))]
    fn validate(workflow: &Workflow) -> Result<Vec<Finding>, SplitLoaderError> {
        Ok(fachwerk_shared::validate(workflow))
    }

    fn validate_later(workflow: &Workflow) -> Checked<'_> {
        Box::pin(validate(workflow))
    }

    pub const ALL: OnDemand = OnDemand {
        probelauf_panel: |ed| Box::pin(probelauf_panel(ed)),
        settings_dialog: |ed| Box::pin(settings_dialog(ed)),
        connect_dialog: |ed| Box::pin(connect_dialog(ed)),
        import_dialog: |ed, report| Box::pin(import_dialog(ed, report)),
        block_form: |ed, id, kind| Box::pin(block_form(ed, id, kind)),
        edge_form: |ed, id| Box::pin(edge_form(ed, id)),
        multi_form: |ed, count| Box::pin(multi_form(ed, count)),
        engine_export_dialog: |ed, engine, made| Box::pin(engine_export_dialog(ed, engine, made)),
        region: |which| Box::pin(region(which)),
        command: |ed, what| Box::pin(command(ed, what)),
        save_draft: |srv, ed, force_new| Box::pin(save_draft(srv, ed, force_new)),
        submit: |srv, ed, note| Box::pin(submit(srv, ed, note)),
        validate: validate_later,
        load_check: || Box::pin(load_validate()),
        load_regions: || Box::pin(load_region()),
        // Each function has its own loader, which must have seen the module arrive before the
        // function runs at the first poll; the module itself is fetched once.
        load: || {
            Box::pin(async {
                load_block_form().await?;
                load_edge_form().await?;
                load_multi_form().await?;
                load_settings_dialog().await?;
                load_connect_dialog().await?;
                load_probelauf_panel().await?;
                load_import_dialog().await?;
                load_command().await?;
                load_save_draft().await?;
                load_submit().await?;
                load_engine_export_dialog().await
            })
        },
    };
}

#[cfg(target_arch = "wasm32")]
fn main() {
    fachwerk_frontend::mount(parts::ALL);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("fachwerk-frontend runs in the browser: build and serve it with `cargo xtask run`.");
    std::process::exit(2);
}
