//! The designer's screens as URLs (issue 14): every screen has its own path, so a link in a
//! notification opens the right thing and the browser's Back button works. The router
//! (`leptos_router`) keeps the location; this module only reads and writes paths.

/// A screen of the designer and what it shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Route {
    /// The editor with the workflow kept in the browser.
    #[default]
    Editor,
    /// The editor with a server draft.
    Draft(String),
    /// "Meine Entwürfe".
    Drafts,
    /// "Freigaben": the open publication requests.
    Inbox,
    /// One publication request.
    Request(String),
    /// The review of a publication request: its snapshot against the last published version,
    /// or alone as "Erstfassung".
    RequestReview(String),
    /// Two published versions of a workflow compared.
    Compare {
        key: String,
        old: String,
        new: String,
    },
    /// One published version of a workflow, drawn alone (the version history's "Ansehen").
    Version { key: String, version: String },
    /// The comparison screen with nothing chosen yet.
    Review,
    /// The version history, optionally of one workflow.
    History(Option<String>),
    /// "Vorlagen".
    Templates,
    /// The organisation: persons, roles, signing limits, deputies (administrators).
    Organisation,
    /// "Vorgang anlegen": a case started by hand.
    NewCase,
    /// "Arbeitskorb": the clerk's tasks.
    Korb,
    /// One case ("Vorgang") with its data, history and open tasks.
    Case(String),
}

/// The three apps the screens are split into (issue 22): each loads only its own screens, and a
/// route of another one is a page load. The server picks the app by the same first segment
/// (`fachwerk_shared::api::case_app_links`, `publishing_app_links`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    /// The designer: the editor, alone or with a server draft (`index.html`).
    Designer,
    /// Drafts, publication requests, versions, the comparison and the templates
    /// (`publishing.html`).
    Publishing,
    /// The Arbeitskorb, the Vorgang, a new case and the organisation (`cases.html`).
    Cases,
}

/// What the publishing app asks the designer to open on arrival, with the message to show once
/// it is open (`crate::server::opening` carries it across the page load).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// A server draft (it becomes the open draft).
    Draft { id: String, message: String },
    /// A published version, as local work (no open draft).
    Version {
        key: String,
        version: String,
        message: String,
    },
}

impl Opening {
    /// One line per field; the message last, so it may hold anything.
    pub fn encode(&self) -> String {
        match self {
            Opening::Draft { id, message } => format!("draft\n{id}\n{message}"),
            Opening::Version {
                key,
                version,
                message,
            } => format!("version\n{key}\n{version}\n{message}"),
        }
    }

    pub fn decode(text: &str) -> Option<Opening> {
        let (kind, rest) = text.split_once('\n')?;
        match kind {
            "draft" => {
                let (id, message) = rest.split_once('\n')?;
                Some(Opening::Draft {
                    id: id.into(),
                    message: message.into(),
                })
            }
            "version" => {
                let mut it = rest.splitn(3, '\n');
                Some(Opening::Version {
                    key: it.next()?.into(),
                    version: it.next()?.into(),
                    message: it.next()?.into(),
                })
            }
            _ => None,
        }
    }
}

/// Characters a path segment keeps as they are (RFC 3986 unreserved).
fn unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

fn encode(segment: &str) -> String {
    let mut out = String::new();
    for c in segment.chars() {
        if unreserved(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn decode(segment: &str) -> Option<String> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = segment.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|s| !s.is_empty())
}

impl Route {
    /// The route of a path; `None` for a path that names no screen.
    pub fn parse(path: &str) -> Option<Route> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let seg = |i: usize| parts.get(i).and_then(|s| decode(s));
        Some(match parts.as_slice() {
            [] => Route::Editor,
            ["entwurf", _] => Route::Draft(seg(1)?),
            ["entwuerfe"] => Route::Drafts,
            ["freigaben"] => Route::Inbox,
            ["freigaben", _] => Route::Request(seg(1)?),
            ["freigaben", _, "vergleich"] => Route::RequestReview(seg(1)?),
            ["vergleich"] => Route::Review,
            ["vergleich", _, _, _] => Route::Compare {
                key: seg(1)?,
                old: seg(2)?,
                new: seg(3)?,
            },
            ["versionen"] => Route::History(None),
            ["versionen", _] => Route::History(Some(seg(1)?)),
            ["versionen", _, _] => Route::Version {
                key: seg(1)?,
                version: seg(2)?,
            },
            ["vorlagen"] => Route::Templates,
            ["organisation"] => Route::Organisation,
            ["vorgang", "neu"] => Route::NewCase,
            ["arbeitskorb"] => Route::Korb,
            ["vorgang", _] => Route::Case(seg(1)?),
            _ => return None,
        })
    }

    /// The path of the route (its segments percent-encoded).
    pub fn path(&self) -> String {
        match self {
            Route::Editor => "/".into(),
            Route::Draft(id) => format!("/entwurf/{}", encode(id)),
            Route::Drafts => "/entwuerfe".into(),
            Route::Inbox => "/freigaben".into(),
            Route::Request(id) => format!("/freigaben/{}", encode(id)),
            Route::RequestReview(id) => format!("/freigaben/{}/vergleich", encode(id)),
            Route::Review => "/vergleich".into(),
            Route::Compare { key, old, new } => {
                format!("/vergleich/{}/{}/{}", encode(key), encode(old), encode(new))
            }
            Route::History(None) => "/versionen".into(),
            Route::History(Some(key)) => format!("/versionen/{}", encode(key)),
            Route::Version { key, version } => {
                format!("/versionen/{}/{}", encode(key), encode(version))
            }
            Route::Templates => "/vorlagen".into(),
            Route::Organisation => "/organisation".into(),
            Route::NewCase => "/vorgang/neu".into(),
            Route::Korb => "/arbeitskorb".into(),
            Route::Case(id) => format!("/vorgang/{}", encode(id)),
        }
    }

    /// The address of a comparison: two published versions (`Compare`), or one alone
    /// (`Version`, `old` empty). Anything else — a request's snapshot, the editor's state — has
    /// no address of its own (`None`).
    pub fn comparison(key: &str, old: &str, new: &str) -> Option<Route> {
        let published = |v: &str| {
            let parts: Vec<&str> = v.split('.').collect();
            parts.len() == 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        };
        if key.is_empty() || !published(new) {
            return None;
        }
        if old.is_empty() {
            return Some(Route::Version {
                key: key.into(),
                version: new.into(),
            });
        }
        published(old).then(|| Route::Compare {
            key: key.into(),
            old: old.into(),
            new: new.into(),
        })
    }

    /// The app that shows this route.
    pub fn app(&self) -> App {
        let path = self.path();
        let first = path.split('/').find(|s| !s.is_empty()).unwrap_or_default();
        if fachwerk_shared::api::case_app_links::ALL.contains(&first) {
            App::Cases
        } else if fachwerk_shared::api::publishing_app_links::ALL.contains(&first) {
            App::Publishing
        } else {
            App::Designer
        }
    }

    /// True for the editor's screens, which show the editor's tools.
    pub fn is_editor(&self) -> bool {
        matches!(self, Route::Editor | Route::Draft(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_survives_its_path() {
        let all = [
            Route::Editor,
            Route::Draft("3f2a-ü".into()),
            Route::Drafts,
            Route::Inbox,
            Route::Request("p 1/2".into()),
            Route::RequestReview("p1".into()),
            Route::Review,
            Route::Compare {
                key: "beschaffung".into(),
                old: "1.0.0".into(),
                new: "1.1.0".into(),
            },
            Route::History(None),
            Route::History(Some("urlaubsantrag".into())),
            Route::Version {
                key: "urlaubsantrag".into(),
                version: "1.2.0".into(),
            },
            Route::Templates,
            Route::Organisation,
            Route::NewCase,
            Route::Korb,
            Route::Case("c-1".into()),
        ];
        for r in all {
            assert_eq!(Route::parse(&r.path()), Some(r.clone()), "{}", r.path());
        }
    }

    #[test]
    fn paths_are_readable_and_encoded() {
        assert_eq!(
            Route::Request("p 1/2".into()).path(),
            "/freigaben/p%201%2F2"
        );
        assert_eq!(
            Route::parse("/freigaben/abc?x=1#top"),
            Some(Route::Request("abc".into()))
        );
        assert_eq!(Route::parse("/vorlagen/"), Some(Route::Templates));
    }

    #[test]
    fn unknown_paths_name_no_screen() {
        assert_eq!(Route::parse("/api/session"), None);
        assert_eq!(Route::parse("/freigaben/a/b"), None);
        assert_eq!(Route::parse("/entwurf/%zz"), None);
        assert_eq!(Route::parse("/vergleich/a/b"), None);
    }

    #[test]
    fn only_published_versions_get_a_comparison_address() {
        assert_eq!(
            Route::comparison("beschaffung", "1.0.0", "1.1.0").map(|r| r.path()),
            Some("/vergleich/beschaffung/1.0.0/1.1.0".into())
        );
        assert_eq!(
            Route::comparison("beschaffung", "", "1.1.0").map(|r| r.path()),
            Some("/versionen/beschaffung/1.1.0".into())
        );
        for (old, new) in [
            ("first", "given"),
            ("1.0.0", "given"),
            ("1.0.0", "editor"),
            ("", ""),
        ] {
            assert_eq!(
                Route::comparison("beschaffung", old, new),
                None,
                "{old} {new}"
            );
        }
        assert_eq!(Route::comparison("", "1.0.0", "1.1.0"), None);
        assert_eq!(Route::comparison("k", "editor", "1.1.0"), None);
    }

    #[test]
    fn every_screen_belongs_to_one_app() {
        let cases = [
            Route::Korb,
            Route::Case("c-1".into()),
            Route::NewCase,
            Route::Organisation,
        ];
        for r in cases {
            assert_eq!(r.app(), App::Cases, "{}", r.path());
        }
        let publishing = [
            Route::Drafts,
            Route::Inbox,
            Route::Request("p1".into()),
            Route::RequestReview("p1".into()),
            Route::Review,
            Route::Compare {
                key: "k".into(),
                old: "1.0.0".into(),
                new: "1.1.0".into(),
            },
            Route::Version {
                key: "vorgang".into(),
                version: "1.0.0".into(),
            },
            Route::History(None),
            Route::History(Some("arbeitskorb".into())),
            Route::Templates,
        ];
        for r in publishing {
            assert_eq!(r.app(), App::Publishing, "{}", r.path());
        }
        // A draft's or a workflow's name that is also a screen's segment changes nothing.
        for r in [
            Route::Editor,
            Route::Draft("vorgang".into()),
            Route::Draft("entwuerfe".into()),
        ] {
            assert_eq!(r.app(), App::Designer, "{}", r.path());
        }
    }

    #[test]
    fn an_opening_survives_its_text() {
        for o in [
            Opening::Draft {
                id: "d-1".into(),
                message: "Vorlage übernommen:\nzwei Zeilen".into(),
            },
            Opening::Version {
                key: "urlaubsantrag".into(),
                version: "1.2.0".into(),
                message: String::new(),
            },
        ] {
            assert_eq!(Opening::decode(&o.encode()), Some(o.clone()), "{o:?}");
        }
        assert_eq!(Opening::decode("vorlage\nx\ny"), None);
        assert_eq!(Opening::decode("version\nk\n1.0.0"), None);
    }

    #[test]
    fn only_the_editor_screens_show_the_editor_tools() {
        assert!(Route::Editor.is_editor());
        assert!(Route::Draft("d".into()).is_editor());
        assert!(!Route::Request("p".into()).is_editor());
        assert!(!Route::Templates.is_editor());
    }
}
