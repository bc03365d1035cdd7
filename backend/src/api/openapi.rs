//! The OpenAPI 3 description of the API, built from the same route list as the router
//! (`api::routes`), served at `GET /api/openapi.json`.

use std::sync::OnceLock;

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::OpenApi as Document;
use utoipa::{Modify, OpenApi};

use crate::auth::SESSION_COOKIE;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fachwerk API",
        description = "Abläufe der Verwaltung gestalten, prüfen und im Vier-Augen-Prinzip veröffentlichen. \
            Fehler sind RFC-9457-Problemberichte (application/problem+json) mit deutschem `detail`. \
            Zustandsändernde Anfragen mit Sitzungs-Cookie brauchen den Kopf `X-CSRF-Token` \
            (Wert des Cookies `fachwerk_csrf`); Bearer-Token brauchen ihn nicht.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    modifiers(&Security),
    components(schemas(fachwerk_shared::api::ProblemDetails)),
    tags(
        (name = "System"),
        (name = "Anmeldung", description = "Sitzungen und API-Token"),
        (name = "Abläufe", description = "Der veröffentlichte Katalog"),
        (name = "Entwürfe", description = "Eigene Entwürfe"),
        (name = "Veröffentlichung", description = "Vier-Augen-Freigabe"),
        (name = "Benutzer", description = "Verwaltung der Konten (Administration)"),
        (name = "Vorlagen", description = "Vorlagenkataloge anderer Verwaltungen: Quellen, Übernahme, Aktualisierung")
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut Document) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(SESSION_COOKIE))),
        );
    }
}

/// The document without paths (paths come from the route list).
pub fn base() -> Document {
    ApiDoc::openapi()
}

/// The complete document.
pub fn document() -> &'static Document {
    static DOC: OnceLock<Document> = OnceLock::new();
    DOC.get_or_init(|| super::routes().split_for_parts().1)
}
