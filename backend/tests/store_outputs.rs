//! The outputs store (migration 0011) on both drivers: outbox rows are written with the case
//! change or not at all, two workers never claim one row, a lost lease writes nothing, failed
//! rows are retried; one-time links answer once; documents keep their bytes; payments are
//! recorded once.
#![allow(clippy::unwrap_used)]

use crate::db_support;

use db_support::account;
use fachwerk_backend::db::{
    token_hash, Answered, Applied, CaseChange, Database, LinkPurpose, NewAudit, NewCase,
    NewDelivery, NewDocument, Paid, SentOutput,
};
use fachwerk_backend::users::Role;
use fachwerk_shared::api::{
    CaseStatus, DeliveryKind, DeliveryStatus, DocumentSource, PaymentSource,
};
use serde_json::json;

const KEY: &str = "urlaubsantrag";

/// A case in the database (the leave-request workflow in operation); its id.
async fn a_case(db: &Database, name: &str) -> String {
    let admin = match db.account_by_name("admin").await.unwrap() {
        Some(a) => a.id,
        None => {
            let admin = account(db, "admin", Role::Admin).await;
            let w = db_support::workflow(KEY);
            db.activate_workflow(KEY, "1.0.0", &serde_json::to_string(&w).unwrap(), &admin)
                .await
                .unwrap();
            admin
        }
    };
    let id = format!("case-{name}");
    let inserted = db
        .insert_case(&NewCase {
            id: id.clone(),
            aktenzeichen: format!("AZ-{name}"),
            workflow_key: KEY.into(),
            version: "1.0.0".into(),
            initiator_id: None,
            created_by: admin,
            idempotency_key: None,
            start: CaseChange::new("{}".into(), CaseStatus::Open),
        })
        .await
        .unwrap();
    assert!(matches!(
        inserted,
        fachwerk_backend::db::CaseInsert::Created
    ));
    id
}

fn mail(n: usize) -> NewDelivery {
    NewDelivery {
        kind: DeliveryKind::Mail,
        label: format!("Nachricht {n}"),
        payload: json!({ "n": n }),
    }
}

fn change_with(deliveries: Vec<NewDelivery>) -> CaseChange {
    let mut change = CaseChange::new("{}".into(), CaseStatus::Open);
    change.deliveries = deliveries;
    change
}

fn sent(kind: &'static str) -> SentOutput {
    SentOutput {
        sha256: "ab".repeat(32),
        size: 1234,
        audit: NewAudit {
            kind,
            detail: json!({ "sha256": "ab".repeat(32), "size": 1234 }),
            account_id: None,
            person_id: None,
        },
    }
}

async fn outbox_rows_come_with_the_case_change_or_not_at_all(db: &Database) {
    let case = a_case(db, "1").await;
    let applied = db
        .apply_case_change(&case, KEY, 1, &change_with(vec![mail(1), mail(2)]))
        .await
        .unwrap();
    assert_eq!(applied, Applied::Done(2));
    // A stale change writes neither the case nor its outputs.
    let stale = db
        .apply_case_change(&case, KEY, 1, &change_with(vec![mail(3)]))
        .await
        .unwrap();
    assert_eq!(stale, Applied::Stale(2));
    let rows = db.deliveries(None, Some(&case), 10).await.unwrap();
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert!(rows.iter().all(|d| d.status == DeliveryStatus::Pending
        && d.attempts == 0
        && d.aktenzeichen == "AZ-1"));
}

async fn two_workers_never_claim_one_row(db: &Database) {
    let case = a_case(db, "2").await;
    let rows: Vec<_> = (0..6).map(mail).collect();
    db.apply_case_change(&case, KEY, 1, &change_with(rows))
        .await
        .unwrap();
    let now = fachwerk_backend::fsutil::unix_now();
    let (a, b) = tokio::join!(
        db.claim_deliveries(now, 60, 100),
        db.claim_deliveries(now, 60, 100)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut ids: Vec<_> = a.iter().chain(&b).map(|c| c.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(a.len() + b.len(), 6, "{a:?} {b:?}");
    assert_eq!(ids.len(), 6);
    // Leased: nobody claims them again while the lease runs …
    assert!(db
        .claim_deliveries(now + 59, 60, 100)
        .await
        .unwrap()
        .is_empty());
    // … a crashed worker's rows come back when it ran out, and the old holder's report is void.
    let again = db.claim_deliveries(now + 61, 60, 100).await.unwrap();
    assert_eq!(again.len(), 6);
    let old = a.first().or(b.first()).unwrap();
    assert!(!db
        .delivery_sent(&old.id, old.revision, &sent("mailSent"))
        .await
        .unwrap());
    let new = again.iter().find(|c| c.id == old.id).unwrap();
    assert!(db
        .delivery_sent(&new.id, new.revision, &sent("mailSent"))
        .await
        .unwrap());
    // Reported twice (a double report after a hiccup): written once.
    assert!(!db
        .delivery_sent(&new.id, new.revision, &sent("mailSent"))
        .await
        .unwrap());
    let row = db.delivery(&new.id).await.unwrap().unwrap();
    assert_eq!(row.status, DeliveryStatus::Sent);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.size, Some(1234));
    assert_eq!(row.sha256.as_deref(), Some("ab".repeat(32).as_str()));
    let audit = db.audit(&case).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.kind == "mailSent").count(), 1);
}

async fn failed_rows_are_retried_and_shown(db: &Database) {
    let case = a_case(db, "3").await;
    db.apply_case_change(&case, KEY, 1, &change_with(vec![mail(1)]))
        .await
        .unwrap();
    let now = fachwerk_backend::fsutil::unix_now();
    let c = db.claim_deliveries(now, 60, 10).await.unwrap().remove(0);
    assert!(db
        .delivery_failed(
            &c.id,
            c.revision,
            "SMTP: connection refused",
            Some(now + 30)
        )
        .await
        .unwrap());
    let row = db.delivery(&c.id).await.unwrap().unwrap();
    assert_eq!(row.status, DeliveryStatus::Pending);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.last_error.as_deref(), Some("SMTP: connection refused"));
    // Not before its backoff is over.
    assert!(db
        .claim_deliveries(now + 29, 60, 10)
        .await
        .unwrap()
        .is_empty());
    let c = db
        .claim_deliveries(now + 30, 60, 10)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(c.attempts, 1);
    assert!(db
        .delivery_failed(&c.id, c.revision, "SMTP: connection refused", None)
        .await
        .unwrap());
    let failed = db
        .deliveries(Some(DeliveryStatus::Failed), None, 10)
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 2);
    assert!(db
        .claim_deliveries(now + 3600, 60, 10)
        .await
        .unwrap()
        .is_empty());
    // Retry (twice, a double click): pending once more, due now.
    let retried = db.retry_delivery(&c.id).await.unwrap().unwrap();
    assert_eq!(retried.status, DeliveryStatus::Pending);
    let twice = db.retry_delivery(&c.id).await.unwrap().unwrap();
    assert_eq!(twice.status, DeliveryStatus::Pending);
    assert_eq!(
        db.claim_deliveries(fachwerk_backend::fsutil::unix_now(), 60, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(db.retry_delivery("no-such-row").await.unwrap().is_none());
}

async fn a_query_link_answers_once(db: &Database) {
    let case = a_case(db, "4").await;
    let (token, other) = ("token-one-4", "token-two-4");
    for t in [token, other] {
        db.insert_link(
            &token_hash(t),
            &case,
            Some("t1"),
            LinkPurpose::Query,
            &json!({ "question": "Bitte Angebot nachreichen" }),
            "2026-04-01T00:00:00Z",
        )
        .await
        .unwrap();
    }
    let link = db.link(&token_hash(token)).await.unwrap().unwrap();
    assert_eq!(link.purpose, LinkPurpose::Query);
    assert_eq!(link.task.as_deref(), Some("t1"));
    assert!(link.used_at.is_none());
    assert!(
        db.link(token).await.unwrap().is_none(),
        "stored by hash only"
    );
    // Every byte value survives the round trip through the database.
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let docs = vec![NewDocument {
        name: "angebot.pdf".into(),
        media_type: "application/pdf".into(),
        source: DocumentSource::Upload,
        data: bytes.clone(),
    }];
    let answered = db
        .answer_query(&token_hash(token), 1, KEY, &docs, &change_with(vec![]))
        .await
        .unwrap();
    let Answered::Done(revision, ids) = answered else {
        panic!("{answered:?}");
    };
    assert_eq!(revision, 2);
    assert_eq!(ids.len(), 1);
    let (doc, data) = db.document(&case, &ids[0]).await.unwrap().unwrap();
    assert_eq!(data, bytes);
    assert_eq!(doc.size, 70_000);
    assert_eq!(doc.sha256.len(), 64);
    // The same link again, or the task's other link: nothing stored.
    for t in [token, other] {
        let again = db
            .answer_query(&token_hash(t), 2, KEY, &docs, &change_with(vec![]))
            .await
            .unwrap();
        assert_eq!(again, Answered::Used);
    }
    assert_eq!(db.documents(&case).await.unwrap().len(), 1);
    assert_eq!(db.case(&case).await.unwrap().unwrap().summary.revision, 2);
}

async fn a_stale_answer_stores_nothing(db: &Database) {
    let case = a_case(db, "5").await;
    db.insert_link(
        &token_hash("t5"),
        &case,
        Some("t1"),
        LinkPurpose::Query,
        &json!({}),
        "2026-04-01T00:00:00Z",
    )
    .await
    .unwrap();
    let doc = NewDocument {
        name: "a.txt".into(),
        media_type: "text/plain".into(),
        source: DocumentSource::Upload,
        data: b"Antwort".to_vec(),
    };
    let stale = db
        .answer_query(&token_hash("t5"), 7, KEY, &[doc], &change_with(vec![]))
        .await
        .unwrap();
    assert_eq!(stale, Answered::Stale);
    assert!(db.documents(&case).await.unwrap().is_empty());
    // The link is still usable.
    assert!(db
        .link(&token_hash("t5"))
        .await
        .unwrap()
        .unwrap()
        .used_at
        .is_none());
}

async fn a_payment_is_recorded_once(db: &Database) {
    let case = a_case(db, "6").await;
    let p = db
        .insert_payment(&case, "z1", "50.00", "KZ-0001")
        .await
        .unwrap();
    let again = db
        .insert_payment(&case, "z1", "50.00", "KZ-0001")
        .await
        .unwrap();
    assert_eq!(p, again);
    assert_eq!(
        db.payment_by_kassenzeichen("KZ-0001").await.unwrap(),
        Some(p.clone())
    );
    let change = change_with(vec![]);
    let paid = Paid {
        case_id: &case,
        task: "z1",
        paid_by: "Kasse",
        source: PaymentSource::Callback,
    };
    let (a, b) = tokio::join!(
        db.pay(&paid, 1, KEY, &change),
        db.pay(&paid, 1, KEY, &change)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(
        [&a, &b].iter().filter(|x| ***x == Applied::Done(2)).count(),
        1,
        "{a:?} {b:?}"
    );
    let paid = db.payment(&case, "z1").await.unwrap().unwrap();
    assert!(paid.paid_at.is_some());
    assert_eq!(paid.source, Some(PaymentSource::Callback));
    assert_eq!(db.payments(&case).await.unwrap().len(), 1);
    // Another case cannot take the Kassenzeichen.
    let other = a_case(db, "7").await;
    assert!(db
        .insert_payment(&other, "z1", "50.00", "KZ-0001")
        .await
        .is_err());
}

both_drivers!(
    outbox_rows_come_with_the_case_change_or_not_at_all,
    two_workers_never_claim_one_row,
    failed_rows_are_retried_and_shown,
    a_query_link_answers_once,
    a_stale_answer_stores_nothing,
    a_payment_is_recorded_once
);
