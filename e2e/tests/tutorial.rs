//! Issue 24: the tutorial „Erste Schritte“ is executable. A new user follows its five pages at
//! 1280×800 in German, by mouse and keyboard only, from a blank workflow to version 1.0.0
//! approved by a second person. The tables the pages show (roles, case fields, blocks,
//! connections, value bands) and the problem message they quote are read from the Markdown,
//! so text and test cannot drift apart; the settings of each block follow the page's list.
//! Every screenshot of docs/bilder.toml is written to docs/src/bilder/ at the moment its entry
//! describes. The published workflow must equal docs/beispiele/beschaffung-uebung.json in
//! substance: the semantic diff of `shared` finds no change. Clicks, drags and key presses are
//! counted (rules in `fachwerk_e2e::user`) and printed per chapter.

#[path = "tutorial/check.rs"]
mod check;
#[path = "tutorial/text.rs"]
mod text;

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use fachwerk_e2e::thirtyfour::prelude::*;
use fachwerk_e2e::user::{labelled, Counts, User};
use fachwerk_e2e::{Session, ADMIN_PASSWORD};
use fachwerk_shared::{parse_workflow, Money};

use check::{assert_same_as_example, viewport, Shots};

const EDITOR: (&str, &str) = ("erika", "Erika-Passwort-1");
const REVIEWER: (&str, &str) = ("rolf", "Rolf-Passwort-12");
const KEY: &str = "beschaffung-uebung";

/// The fieldset whose legend is `legend`, inside `scope`.
async fn fieldset(scope: &WebElement, legend: &str) -> Result<WebElement> {
    for f in scope.find_all(By::Css("fieldset")).await? {
        if let Ok(l) = f.find(By::Css("legend")).await {
            if l.text().await?.trim() == legend {
                return Ok(f);
            }
        }
    }
    bail!("no group {legend:?}")
}

/// Types an amount unless the field already shows the same amount.
async fn fill_amount(
    u: &mut User<'_>,
    scope: &WebElement,
    label: &str,
    amount: &str,
) -> Result<()> {
    let el = labelled(scope, label).await?;
    let current = el.prop("value").await?.unwrap_or_default();
    if Money::parse(&current).ok() == Money::parse(amount).ok() {
        return Ok(());
    }
    if current.is_empty() {
        u.type_into(&el, amount).await
    } else {
        u.type_over(&el, amount).await
    }
}

async fn problem_codes(s: &Session) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for li in s.driver.find_all(By::Css("#problems li.problem")).await? {
        v.push(li.attr("data-code").await?.unwrap_or_default());
    }
    Ok(v)
}

/// Waits until the problem list satisfies `ok`.
async fn wait_problems(s: &Session, what: &str, ok: impl Fn(&[String]) -> bool) -> Result<()> {
    let mut codes = Vec::new();
    for _ in 0..100 {
        codes = problem_codes(s).await?;
        if ok(&codes) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    bail!("problems never {what}: {codes:?}")
}

/// The blocks' ids by label, as the user created them.
type Ids = BTreeMap<String, String>;

fn id_of<'a>(ids: &'a Ids, label: &str) -> Result<&'a str> {
    ids.get(label)
        .map(String::as_str)
        .with_context(|| format!("the tutorial connects {label:?}, which it never placed"))
}

/// Where the n-th block goes: two columns over the visible canvas, row by row, with room for
/// the exits' labels right of each block (at 1280 × 800 three columns leave 20 px between
/// blocks, too little for „abgelehnt“); clear of the zoom buttons (top right), the minimap
/// (bottom right) and the canvas help (bottom left).
async fn grid_spot(s: &Session, n: usize) -> Result<(i64, i64)> {
    let r = s
        .js("const r = document.getElementById('canvas').getBoundingClientRect(); return [r.width, r.height];")
        .await?;
    let (w, h) = (
        r[0].as_f64().unwrap_or(800.0),
        r[1].as_f64().unwrap_or(600.0),
    );
    let (col, row) = ((n % 2) as f64, (n / 2) as f64);
    // Block centres: the left column 100 px from the left edge, the right one up to 320 px
    // further, leaving 80 px for its labels; five rows from 110 px below the top edge, spaced
    // to end 150 px above the bottom edge.
    let across = (w - 280.0).min(320.0);
    let down = ((h - 260.0) / 4.0).min(140.0);
    let x = -w / 2.0 + 100.0 + col * across;
    let y = -h / 2.0 + 110.0 + row * down;
    Ok((x as i64, y as i64))
}

/// Chapter 1 (anlegen.md): a new workflow, its name, roles and case fields.
async fn chapter_1(u: &mut User<'_>, shots: &mut Shots) -> Result<()> {
    let s = u.s;
    u.click("#btn-new").await?; // Datei → Neu
    s.wait_blocks(0).await?;
    shots.take(s, "erste-schritte-leer").await?;

    u.click("#btn-settings").await?;
    let dialog = s.wait_for("#settings-dialog").await?;
    u.fill(&dialog, "Name des Ablaufs", "Beschaffung (Übung)")
        .await?;
    for (id, name) in text::roles()? {
        let row = dialog.find(By::Css(".row.new-role")).await?;
        u.fill(&row, "Kennung", &id).await?;
        u.fill(&row, "Name", &name).await?;
        u.click("#btn-add-role").await?;
        s.wait_for(&format!("#settings-dialog .row.role[data-role-id='{id}']"))
            .await?;
    }
    for f in text::fields()? {
        let row = dialog.find(By::Css(".row.new-field")).await?;
        u.fill(&row, "Name", &f.name).await?;
        u.choose(&row, "Typ", &f.type_text).await?;
        u.click("#btn-add-field").await?;
        let added = s
            .wait_for(&format!(
                "#settings-dialog .row.field-row[data-field='{}']",
                f.name
            ))
            .await?;
        u.fill(&added, "Beschriftung", &f.caption).await?;
        if f.required {
            u.tick(&added, "Pflicht").await?;
        }
    }
    shots.take(s, "erste-schritte-einstellungen").await?;
    u.click("#btn-settings-close").await?;
    s.wait_text_in("#wf-title", "Beschaffung (Übung)", 5)
        .await?;
    Ok(())
}

/// Chapter 2 (bausteine.md): nine blocks placed and named, set up, connected.
async fn chapter_2(u: &mut User<'_>, shots: &mut Shots) -> Result<Ids> {
    let s = u.s;
    let mut ids = Ids::new();
    for (n, (tag, label)) in text::blocks()?.into_iter().enumerate() {
        let (dx, dy) = grid_spot(s, n).await?;
        let id = u.drag_from_palette(&tag, dx, dy).await?;
        let form = s
            .wait_for(&format!("#inspector .block-form[data-block-id='{id}']"))
            .await?;
        u.fill(&form, "Bezeichnung", &label).await?;
        ids.insert(label, id);
    }
    s.wait_blocks(9).await?;
    assert!(
        !problem_codes(s).await?.is_empty(),
        "unconnected blocks have problems"
    );
    shots.take(s, "erste-schritte-bausteine").await?;

    // „Bausteine einstellen“, item by item.
    let f = u
        .select_block(id_of(&ids, "Bedarfsmeldung eingegangen")?)
        .await?;
    u.choose(&f, "Auslöser", "Intern").await?;
    u.choose(&f, "Wer stößt den Fall an?", "Bedarfsstelle")
        .await?;

    let f = u.select_block(id_of(&ids, "Bedarf prüfen")?).await?;
    u.choose(&f, "Zuständig", "Sachbearbeitung Zentraler Einkauf")
        .await?;
    u.tick(&f, "„abgelehnt“ möglich").await?;
    u.fill(
        &f,
        "Verfügungstext",
        "Zur Bearbeitung: Bedarf und Haushaltsmittel prüfen, Auftragswert netto schätzen.",
    )
    .await?;
    u.fill(&f, "Bearbeitungsfrist", "5").await?;

    for (label, instructions) in [
        (
            "Direktauftrag erteilen",
            "Direktauftrag erteilen (§ 14 UVgO).",
        ),
        (
            "Vergleichsangebote einholen",
            "Mindestens drei Angebote einholen, Preisvergleich dokumentieren.",
        ),
    ] {
        let f = u.select_block(id_of(&ids, label)?).await?;
        u.choose(&f, "Zuständig", "Sachbearbeitung Zentraler Einkauf")
            .await?;
        u.fill(&f, "Verfügungstext", instructions).await?;
    }

    let f = u
        .select_block(id_of(&ids, "Preisvergleich gegenprüfen")?)
        .await?;
    u.choose(
        &f,
        "… oder wer diesen Schritt erledigt hat",
        "Vergleichsangebote einholen",
    )
    .await?;
    u.choose(&f, "Zweite Prüfung durch", "Fachbereichsleitung")
        .await?;
    let group = fieldset(&f, "Nicht dieselbe Person wie bei").await?;
    u.tick(&group, "Vergleichsangebote einholen").await?;

    let f = u.select_block(id_of(&ids, "Vergabe zeichnen")?).await?;
    u.choose(&f, "Zeichnet", "Fachbereichsleitung").await?;
    u.choose(&f, "Betragsfeld", "Geschätzter Auftragswert netto")
        .await?;

    let f = u
        .select_block(id_of(&ids, "Beschaffung abgeschlossen")?)
        .await?;
    u.choose(&f, "Ergebnis", "erledigt").await?;
    let f = u
        .select_block(id_of(&ids, "Beschaffung abgelehnt")?)
        .await?;
    u.choose(&f, "Ergebnis", "abgelehnt").await?;

    for (from, exit, to) in text::connections("bausteine")? {
        u.drag_connect(id_of(&ids, &from)?, &exit, id_of(&ids, &to)?)
            .await?;
    }
    Ok(ids)
}

/// Chapter 3 (probleme.md): the value bands with the deliberate gap, the error, the fix, the
/// last connections, the server check, „Anordnen“.
async fn chapter_3(u: &mut User<'_>, shots: &mut Shots, ids: &Ids) -> Result<()> {
    let s = u.s;
    let router = id_of(ids, "Auftragswert")?;
    let f = u.select_block(router).await?;
    u.choose(&f, "Betragsfeld", "Geschätzter Auftragswert netto")
        .await?;
    u.choose(&f, "Betragsbasis", "netto").await?;
    let bands = text::bands()?;
    for _ in &bands {
        u.click("#btn-add-band").await?;
    }
    for (i, band) in bands.iter().enumerate() {
        let row = s
            .wait_for(&format!("#inspector .row.band[data-index='{i}']"))
            .await?;
        u.fill(&row, "Ausgang", &band.exit).await?;
        fill_amount(u, &row, "über", &band.over).await?;
        if let Some(up_to) = &band.up_to {
            fill_amount(u, &row, "bis", up_to).await?;
        }
    }
    // The page quotes the message the list shows.
    wait_problems(s, "show the gap", |c| {
        c.iter().any(|c| c == "E_THRESHOLD_GAP")
    })
    .await?;
    let gap = s
        .wait_for("#problems li.problem[data-code='E_THRESHOLD_GAP']")
        .await?;
    let shown = gap.find(By::Css(".msg")).await?.text().await?;
    let quoted = text::quoted_problem()?;
    assert_eq!(
        shown.trim(),
        quoted,
        "probleme.md quotes another message than the list shows"
    );
    let more = gap
        .find(By::Css("a.more"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    assert!(
        more.ends_with("referenz/befunde/E_THRESHOLD_GAP.html"),
        "Mehr erfahren: {more}"
    );
    // The reader finds the entry in the list.
    s.driver
        .execute(
            "arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' });",
            vec![gap.to_json()?],
        )
        .await?;
    shots.take(s, "erste-schritte-fehler").await?;
    // „Klicken Sie auf den Eintrag“: the router is selected.
    u.click_el(&gap.find(By::Css("button.link")).await?).await?;
    let f = s
        .wait_for(&format!("#inspector .block-form[data-block-id='{router}']"))
        .await?;

    // „Ändern Sie bei preisvergleich den Wert über von 1200 auf 1000.“
    let row = f.find(By::Css(".row.band[data-index='1']")).await?;
    fill_amount(u, &row, "über", "1000").await?;
    wait_problems(s, "lose the gap", |c| {
        !c.iter().any(|c| c == "E_THRESHOLD_GAP")
    })
    .await?;
    shots.take(s, "erste-schritte-wertgrenzen").await?;

    for (from, exit, to) in text::connections("probleme")? {
        u.drag_connect(id_of(ids, &from)?, &exit, id_of(ids, &to)?)
            .await?;
    }
    wait_problems(s, "become empty", <[String]>::is_empty).await?;
    s.wait_text_in("#problem-count", "keine Fehler", 5).await?;
    u.click("#btn-validate").await?;
    s.wait_text_in("#validate-status", "keine Fehler", 15)
        .await?;
    u.click("#btn-layout").await?; // Ansicht → Anordnen
    shots.take(s, "erste-schritte-fertig").await?;
    Ok(())
}

/// The "who" of a listed Probelauf step (the last part of its meta line).
async fn step_person(s: &Session, block: &str) -> Result<String> {
    let meta = s
        .wait_for(&format!(
            "#sim-steps li.sim-step[data-block-id='{block}'] .sim-step-meta"
        ))
        .await?
        .text()
        .await?;
    Ok(meta.rsplit(" · ").next().unwrap_or_default().to_string())
}

async fn shown_route(s: &Session) -> Result<Vec<String>> {
    let mut v = Vec::new();
    for li in s.driver.find_all(By::Css("#sim-steps li.sim-step")).await? {
        v.push(li.attr("data-block-id").await?.unwrap_or_default());
    }
    Ok(v)
}

/// Chapter 4 (probelauf.md): 12.400 € through the price comparison, saved as a Probefall;
/// 800 € through the direct order.
async fn chapter_4(u: &mut User<'_>, shots: &mut Shots, ids: &Ids) -> Result<()> {
    let s = u.s;
    u.click("#btn-probelauf").await?;
    let panel = s.wait_for("#probelauf").await?;
    u.fill(&panel, "Geschätzter Auftragswert netto", "12400")
        .await?;
    u.fill(&panel, "Leistungsgegenstand", "Multifunktionsdrucker")
        .await?;
    u.click_text("#probelauf", "Personen je Rolle").await?;
    u.fill(
        &panel,
        "Sachbearbeitung Zentraler Einkauf",
        "Frau Meier, Herr Schulz",
    )
    .await?;
    u.fill(&panel, "Fachbereichsleitung", "Frau Yilmaz").await?;
    u.click("#btn-sim-run").await?;
    let outcome = s.wait_for("#sim-outcome").await?;
    assert_eq!(
        outcome.attr("data-outcome").await?.as_deref(),
        Some("ended")
    );
    let labels = [
        "Bedarfsmeldung eingegangen",
        "Bedarf prüfen",
        "Auftragswert",
        "Vergleichsangebote einholen",
        "Preisvergleich gegenprüfen",
        "Vergabe zeichnen",
        "Beschaffung abgeschlossen",
    ];
    let want: Vec<String> = labels
        .iter()
        .map(|l| id_of(ids, l).map(str::to_string))
        .collect::<Result<_>>()?;
    assert_eq!(
        shown_route(s).await?,
        want,
        "the way probelauf.md describes"
    );
    // Four eyes: the check is never done by whoever collected the offers.
    let first = step_person(s, id_of(ids, "Vergleichsangebote einholen")?).await?;
    let second = step_person(s, id_of(ids, "Preisvergleich gegenprüfen")?).await?;
    assert!(
        !first.is_empty() && first != second,
        "{first:?} checked by {second:?}"
    );
    // The reader looks at the steps below the form.
    s.driver
        .execute(
            "document.getElementById('sim-steps').scrollIntoView({ block: 'center', inline: 'nearest' });",
            Vec::new(),
        )
        .await?;
    shots.take(s, "erste-schritte-probelauf").await?;

    u.fill(&panel, "Name des Probefalls", "Preisvergleich 12.400 €")
        .await?;
    u.click("#btn-sim-save").await?;
    s.wait_text_in("#testcases", "Preisvergleich 12.400 €", 5)
        .await?;

    u.fill(&panel, "Geschätzter Auftragswert netto", "800")
        .await?;
    u.click("#btn-sim-run").await?;
    s.wait_for("#sim-outcome").await?;
    let route = shown_route(s).await?;
    assert!(
        route
            .iter()
            .any(|b| b == id_of(ids, "Direktauftrag erteilen").unwrap_or_default()),
        "800 € goes through „Direktauftrag erteilen“: {route:?}"
    );
    Ok(())
}

async fn log_in(u: &mut User<'_>, (user, password): (&str, &str)) -> Result<()> {
    u.click("#btn-login").await?;
    let dialog = u.s.wait_for("#login-dialog").await?;
    u.fill(&dialog, "Benutzername", user).await?;
    u.fill(&dialog, "Passwort", password).await?;
    u.click("#login-submit").await?;
    u.s.wait_text_in("#whoami", user, 10).await?;
    Ok(())
}

/// Chapter 5, the editor's part (veroeffentlichen.md): log in, save, submit.
async fn chapter_5_submit(u: &mut User<'_>, shots: &mut Shots) -> Result<()> {
    let s = u.s;
    log_in(u, EDITOR).await?;
    u.click("#btn-save-draft").await?;
    s.wait_text_in("#srv-message", "Entwurf gespeichert", 10)
        .await?;
    u.click("#btn-submit").await?; // Konto → Zur Freigabe einreichen
    let dialog = s.wait_for("#submit-dialog").await?;
    let title = dialog.text().await?;
    assert!(
        title.contains(&format!("Beschaffung (Übung) ({KEY})")),
        "{title}"
    );
    u.fill(
        &dialog,
        "Änderungsvermerk",
        "Erste Fassung des Beschaffungsablaufs mit Wertgrenze 1.000 € (§ 14 UVgO).",
    )
    .await?;
    shots.take(s, "erste-schritte-einreichen").await?;
    u.click("#submit-confirm").await?;
    s.wait_text_in("#srv-message", "Erstfassung 1.0.0", 15)
        .await?;
    Ok(())
}

/// Chapter 5, the second person's part: Freigaben, the request, its drawing, „Freigeben“,
/// „Versionen“.
async fn chapter_5_approve(u: &mut User<'_>, shots: &mut Shots) -> Result<()> {
    let s = u.s;
    log_in(u, REVIEWER).await?;
    u.click("#btn-inbox").await?; // Konto → Freigaben
    u.click(&format!("#inbox-list li[data-key='{KEY}'] .pub-open"))
        .await?;
    s.wait_text_in("#pub-title", "Beschaffung (Übung)", 10)
        .await?;
    shots.take(s, "erste-schritte-freigabe").await?;
    u.click("#btn-pub-review").await?; // Im Vergleich ansehen
    s.wait_for(".rv-canvas g.block").await?;
    // „Zurück“ on that screen leads to the editor: the browser's Back leads to the request.
    u.browser_back().await?;
    s.wait_for("#btn-approve").await?;
    u.click("#btn-approve").await?;
    s.wait_text_in(
        "#pub-message",
        "Freigegeben und veröffentlicht als 1.0.0",
        20,
    )
    .await?;
    u.click("#btn-history").await?; // Konto → Versionen
    let select = s.wait_for("#history-key").await?;
    u.choose_in(&select, "Beschaffung (Übung)").await?;
    let row = s
        .wait_text_in("#versions-table tr[data-version='1.0.0']", REVIEWER.0, 10)
        .await?;
    assert!(row.contains(EDITOR.0), "author and approver: {row}");
    shots.take(s, "erste-schritte-veroeffentlicht").await?;
    Ok(())
}

#[tokio::test]
async fn erste_schritte_as_a_new_user() -> Result<()> {
    let s = Session::start().await?;
    let admin = s.api_login("admin", ADMIN_PASSWORD).await?;
    s.create_user(&admin, EDITOR.0, "editor", EDITOR.1).await?;
    s.create_user(&admin, REVIEWER.0, "reviewer", REVIEWER.1)
        .await?;
    s.open("/").await?;
    viewport(&s, 1280, 800).await?;
    let mut shots = Shots::new()?;
    let mut u = User::new(&s);
    let mut report = Vec::new();
    let mut mark = Counts::default();
    let mut chapter = |name: &str, u: &User<'_>| {
        report.push(format!("{name}: {}", u.counts.since(mark)));
        mark = u.counts;
    };

    chapter_1(&mut u, &mut shots).await?;
    chapter("1. Ablauf anlegen", &u);
    let ids = chapter_2(&mut u, &mut shots).await?;
    chapter("2. Bausteine setzen und verbinden", &u);
    chapter_3(&mut u, &mut shots, &ids).await?;
    chapter("3. Probleme lösen", &u);
    let built = u.counts;
    chapter_4(&mut u, &mut shots, &ids).await?;
    chapter("4. Probelauf", &u);
    chapter_5_submit(&mut u, &mut shots).await?;
    chapter("5. Veröffentlichen (Einreichen)", &u);
    let editor = u.counts;
    u.click("#btn-logout").await?; // the second person at the same browser
    s.wait_text_in("#srv-message", "abgemeldet", 10).await?;
    let mut r = User::new(&s);
    chapter_5_approve(&mut r, &mut shots).await?;
    report.push(format!(
        "5. Veröffentlichen (Freigabe, zweite Person): {}",
        r.counts
    ));

    eprintln!("Erste Schritte, counted at 1280×800:");
    for line in &report {
        eprintln!("  {line}");
    }
    eprintln!("  building the workflow (chapters 1–3): {built}");
    eprintln!("  the editor in all (chapters 1–5): {editor}");

    let api = s.api_login(REVIEWER.0, REVIEWER.1).await?;
    let published = api
        .json(
            "GET",
            &format!("/api/workflows/{KEY}/versions/1.0.0"),
            None,
            200,
        )
        .await?;
    let w = published.get("workflow").cloned().unwrap_or(published);
    assert_same_as_example(&parse_workflow(&w.to_string())?)?;
    shots.check_all_taken()?;
    assert_eq!(s.page_errors().await?, Vec::<String>::new());
    s.close().await
}
