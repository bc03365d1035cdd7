//! Template exchange: sources (other authorities' catalogues), the template list, "Übernehmen"
//! (import as a draft) and upstream updates of imported drafts.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use fachwerk_shared::api::{
    ConflictView, DraftView, ImportRequest, MergeRequest, MergedView, NewSource, ProblemDetails,
    SourceRecord, TemplateSource, TemplateView, UpstreamView, ValidationReport,
};
use fachwerk_shared::diff::diff;
use fachwerk_shared::merge::Side;

use super::drafts::{draft_response, if_match};
use super::JsonBody;
use crate::auth::Caller;
use crate::config::AppState;
use crate::error::AppError;
use crate::fsutil::blocking;
use crate::repo::sources::Transport;
use crate::security::limits::cpu;
use crate::sources::upstream::{self, conflict_de, ImportSpec, Upstream};
use crate::sources::{summarize, valid_id, Removed, SourceError, SourceStore, SourceUrl, OWN};

async fn record(store: &SourceStore, id: &str) -> Result<SourceRecord, SourceError> {
    if !valid_id(id) {
        return Err(SourceError::NotFound);
    }
    store.get(id).await?.ok_or(SourceError::NotFound)
}

fn accepted(r: SourceRecord, status: StatusCode) -> Response {
    let location = HeaderValue::from_str(&format!("/api/sources/{}", r.id)).ok();
    let mut res = (status, Json(r)).into_response();
    if let Some(l) = location {
        res.headers_mut().insert(header::LOCATION, l);
    }
    res
}

/// Registered template sources with the state of their last fetch.
#[utoipa::path(
    get,
    path = "/sources",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, body = Vec<SourceRecord>), (status = 401, body = ProblemDetails, content_type = "application/problem+json"))
)]
pub async fn list_sources(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<Vec<SourceRecord>>, AppError> {
    Ok(Json(state.catalogues()?.sources.list().await?))
}

/// Adds a source and starts fetching it in the background (202; poll `GET /api/sources/{id}`).
/// An address that is already registered answers 200 with its record. Administrators only;
/// local paths only below `--source-root`, remote hosts only public or allow-listed.
#[utoipa::path(
    post,
    path = "/sources",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    request_body = NewSource,
    responses(
        (status = 202, body = SourceRecord, headers(("location" = String))),
        (status = 200, body = SourceRecord),
        (status = 400, description = "Unsupported address (ssh, http, relative path …)", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn add_source(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(req): JsonBody<NewSource>,
) -> Result<Response, AppError> {
    caller.require_admin()?;
    let url = SourceUrl::parse(&req.url)?;
    let policy = state.security.sources.clone();
    let transport = url.transport.clone();
    blocking(move || {
        Ok(match &transport {
            Transport::Local(path) => policy.check_local(path),
            Transport::Cli(remote) => policy.check_remote(remote).map(|_| ()),
        })
    })
    .await?
    .map_err(|detail| AppError::BadRequest {
        detail,
        path: Some("url".into()),
    })?;
    let (r, created) = state.catalogues()?.sources.add(&url, &caller.id).await?;
    if created {
        tracing::info!(source = %r.id, url = %r.url, by = %caller.name, "template source added");
    }
    let status = if created {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    Ok(accepted(r, status))
}

/// A source: `state` (fetching, ready, error), `progress` while fetching, `messageDe`, and the
/// templates found (invalid ones with their errors).
#[utoipa::path(
    get,
    path = "/sources/{id}",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Source id")),
    responses(
        (status = 200, body = SourceRecord),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn get_source(
    State(state): State<AppState>,
    _caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<SourceRecord>, AppError> {
    let store = state.catalogues()?.sources;
    Ok(Json(record(&store, &id).await?))
}

/// Fetches a source again in the background (202; a running fetch is not started twice).
#[utoipa::path(
    post,
    path = "/sources/{id}/fetch",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Source id")),
    responses(
        (status = 202, body = SourceRecord),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn fetch_source(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    caller.require_editor()?;
    let store = state.catalogues()?.sources;
    record(&store, &id).await?;
    let r = store.start_fetch(&id).await?.ok_or(SourceError::NotFound)?;
    Ok(accepted(r, StatusCode::ACCEPTED))
}

/// Removes a source and its mirror: whoever added it, or an administrator. Drafts keep their
/// lineage; their upstream check asks to add the source again.
#[utoipa::path(
    delete,
    path = "/sources/{id}",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Source id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Being fetched", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn delete_source(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let store = state.catalogues()?.sources;
    let added_by = store.added_by(&id).await?.ok_or(SourceError::NotFound)?;
    let may = caller.role.is_admin() || (caller.role.can_edit() && added_by == caller.id);
    if !may {
        return Err(AppError::Forbidden(
            "Eine Vorlagenquelle entfernen kann, wer sie eingerichtet hat, oder die Administration.".into(),
        ));
    }
    let removed = store.remove(&id).await?;
    match removed {
        Removed::Gone => Ok(StatusCode::NO_CONTENT),
        Removed::NotFound => Err(SourceError::NotFound.into()),
        Removed::Busy => Err(AppError::Conflict(
            "Die Quelle wird gerade abgerufen; bitte danach erneut versuchen.".into(),
        )),
    }
}

/// Templates of the own catalogue and of every source whose last fetch succeeded. Readable
/// without login, like the catalogue: anyone may browse the templates; taking one over
/// (`POST /api/templates/import`) needs an editor. Without login the sources' addresses are
/// left empty.
#[utoipa::path(
    get,
    path = "/templates",
    tag = "Vorlagen",
    responses((status = 200, body = Vec<TemplateView>))
)]
pub async fn list_templates(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<TemplateView>>, AppError> {
    // Where the sources are (paths on this server, internal addresses) is for logged-in users.
    let show_urls = super::caller::is_authenticated(&headers, &state).await;
    let cats = state.catalogues()?;
    let own = cats.own;
    let path = own.path.clone();
    let own_summary = blocking(move || Ok(summarize(&path)?)).await?;
    let mut lists = vec![(
        TemplateSource {
            id: OWN.into(),
            url: own.url,
            name: own.name,
            own: true,
        },
        own_summary,
    )];
    for r in cats.sources.list().await? {
        if let Some(cat) = r.catalogue.clone().filter(|_| r.usable()) {
            let source = TemplateSource {
                id: r.id,
                url: r.url,
                name: cat.name.clone(),
                own: false,
            };
            lists.push((source, cat));
        }
    }
    let mut out = Vec::new();
    for (source, cat) in lists {
        for t in cat.templates {
            out.push(TemplateView {
                source: TemplateSource {
                    id: source.id.clone(),
                    url: if show_urls {
                        source.url.clone()
                    } else {
                        String::new()
                    },
                    name: source.name.clone(),
                    own: source.own,
                },
                key: t.key,
                name: t.name,
                description: t.description,
                version: t.version,
                versions: t.versions,
                commit: t.commit,
                publisher: cat.publisher.clone(),
                licence: cat.licence.clone(),
                valid: t.valid,
                errors: t.errors,
                template_params: t.template_params,
            });
        }
    }
    Ok(Json(out))
}

/// "Übernehmen": creates a draft of the caller from a template version, with the template
/// parameters applied and `lineage` set. Invalid templates and bad parameter values → 422.
#[utoipa::path(
    post,
    path = "/templates/import",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    request_body = ImportRequest,
    responses(
        (status = 201, body = DraftView, headers(("etag" = String), ("location" = String))),
        (status = 400, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The source is not ready", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 422, description = "Invalid template or parameter value", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn import_template(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(req): JsonBody<ImportRequest>,
) -> Result<Response, AppError> {
    let spec = ImportSpec {
        source_id: req.source_id,
        key: req.key,
        version: req.version,
        params: req.params,
        as_key: req.as_key,
    };
    let draft = upstream::import(&state.catalogues()?, &state.drafts, &caller, spec).await?;
    draft_response(draft, StatusCode::CREATED).await
}

/// Whether the template this draft was imported from has a newer version, with both diffs and
/// a merge preview (re-fetches the source first if its data may be outdated). Owner only.
#[utoipa::path(
    get,
    path = "/drafts/{id}/upstream",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Draft id")),
    responses(
        (status = 200, body = UpstreamView),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "The source is not set up or cannot be read", body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn draft_upstream(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<UpstreamView>, AppError> {
    let draft = state.drafts.owned(&id, &caller).await?;
    let empty = |message_de: String, warning_de: Option<String>| UpstreamView {
        available: false,
        message_de,
        warning_de,
        source: None,
        key: None,
        base_version: None,
        new_version: None,
        new_commit: None,
        upstream_diff: None,
        local_diff: None,
        merged: None,
    };
    let view = match upstream::check(&state.catalogues()?, &draft, true).await? {
        Upstream::NoLineage => empty("Dieser Entwurf stammt nicht aus einer Vorlage.".into(), None),
        Upstream::Current {
            lineage,
            latest,
            warning_de,
        } => UpstreamView {
            source: Some(lineage.source),
            key: Some(lineage.key.clone()),
            base_version: Some(lineage.version.clone()),
            new_version: Some(latest.clone()),
            ..empty(
                format!(
                    "Der Entwurf beruht auf Version {} der Vorlage „{}“; die neueste Version ist {latest}.",
                    lineage.version, lineage.key
                ),
                warning_de,
            )
        },
        Upstream::Available(a) => {
            let (a, upstream_diff, local_diff, validation) = cpu(move || {
                let upstream_diff = diff(&a.base, &a.theirs);
                let local_diff = diff(&a.base, &draft.workflow);
                let validation = ValidationReport::validate(&a.merged.workflow);
                (a, upstream_diff, local_diff, validation)
            })
            .await?;
            let n = a.merged.conflicts.len();
            let conflicts = a
                .merged
                .conflicts
                .iter()
                .enumerate()
                .map(|(index, c)| ConflictView {
                    index,
                    location: c.location.clone(),
                    base: c.base.clone(),
                    ours: c.ours.clone(),
                    theirs: c.theirs.clone(),
                    message_de: conflict_de(c),
                })
                .collect();
            UpstreamView {
                available: true,
                message_de: format!(
                    "Version {} der Vorlage „{}“ ist verfügbar (der Entwurf beruht auf {}). {}",
                    a.new.version,
                    a.lineage.key,
                    a.lineage.version,
                    match n {
                        0 => "Die Änderungen lassen sich ohne Konflikt übernehmen.".to_string(),
                        1 => "Ein Konflikt muss entschieden werden.".to_string(),
                        n => format!("{n} Konflikte müssen entschieden werden."),
                    }
                ),
                warning_de: a.warning_de.clone(),
                source: Some(a.lineage.source.clone()),
                key: Some(a.lineage.key.clone()),
                base_version: Some(a.lineage.version.clone()),
                new_version: Some(a.new.version.clone()),
                new_commit: Some(a.new.commit.clone()),
                upstream_diff: Some(upstream_diff),
                local_diff: Some(local_diff),
                merged: Some(MergedView {
                    validation,
                    workflow: a.merged.workflow.clone(),
                    conflicts,
                }),
            }
        }
    };
    Ok(Json(view))
}

/// Takes in the newer template version: three-way merge (base = imported version, ours =
/// draft, theirs = new version) with a side chosen for every conflict (else 409 listing
/// them); saved as the next revision of the draft with `lineage` at the new version.
#[utoipa::path(
    post,
    path = "/drafts/{id}/merge-upstream",
    tag = "Vorlagen",
    security(("session" = []), ("bearer" = [])),
    params(("id" = String, Path, description = "Draft id"), ("If-Match" = String, Header, description = "\"<revision>\"")),
    request_body = MergeRequest,
    responses(
        (status = 200, body = DraftView, headers(("etag" = String))),
        (status = 400, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 401, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 403, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 404, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 409, description = "Conflicts without a choice, or nothing to merge", body = ProblemDetails, content_type = "application/problem+json"),
        (status = 412, body = ProblemDetails, content_type = "application/problem+json"),
        (status = 428, body = ProblemDetails, content_type = "application/problem+json"),
    )
)]
pub async fn merge_upstream(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<MergeRequest>,
) -> Result<Response, AppError> {
    let draft = state.drafts.owned(&id, &caller).await?;
    let expected = if_match(&headers, "Zusammenführen")?.unwrap_or(draft.revision);
    let choices: Vec<(usize, Side)> = req.choices.iter().map(|c| (c.conflict, c.side)).collect();
    let saved = upstream::merge_into_draft(
        &state.catalogues()?,
        &state.drafts,
        &draft,
        expected,
        &choices,
        req.version.as_deref(),
    )
    .await?;
    draft_response(saved, StatusCode::OK).await
}
