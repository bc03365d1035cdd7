//! Segments that reach outside: notifications, Bescheide and payments.

use super::*;

impl Gen {
    pub(super) fn seg_notify(&mut self) {
        self.begin(1);
        let (recipient, label) = match self.rng.below(3) {
            0 => (
                Recipient::External("Finanzamt".into()),
                "Finanzamt unterrichten",
            ),
            1 => (
                Recipient::External("Industrie- und Handelskammer".into()),
                "IHK unterrichten",
            ),
            _ => (Recipient::Applicant, "Zwischennachricht senden"),
        };
        let channel = if matches!(recipient, Recipient::Applicant) {
            NotifyChannel::Email
        } else {
            NotifyChannel::Xta
        };
        let kind = BlockKind::Benachrichtigung(BenachrichtigungParams {
            recipient: Some(recipient),
            channel,
            template: "mitteilung".into(),
            template_kind: TemplateKind::Info,
        });
        let b = self.block(label, kind, 0, 1);
        self.enter(&b);
        self.pending.push((b, "next".into()));
        self.end(1);
    }

    /// Sachbearbeitung → Schlusszeichnung → Bescheid (download with postal fallback, or letter).
    pub(super) fn seg_bescheid(&mut self, with_fallback: bool) {
        let width = if with_fallback { 4 } else { 3 };
        self.begin(width);
        let draft = self.block(
            "Bescheid entwerfen",
            sb_kind(
                "R-SB",
                "Bescheid mit Rechtsbehelfsbelehrung entwerfen.",
                &["ok"],
                5,
            ),
            0,
            1,
        );
        let level = *self.rng.pick(&[
            SignatureLevel::Name,
            SignatureLevel::Fortgeschritten,
            SignatureLevel::Qes,
        ]);
        let sz = self.block(
            "Bescheid schlusszeichnen",
            sz_kind("R-BM", None, level),
            1,
            1,
        );
        self.enter(&draft);
        self.edge(&draft, "ok", &sz);
        self.edge(&sz, "reject", &draft);
        let bescheid = |channel: BescheidChannel, level: SignatureLevel| {
            BlockKind::Bescheid(BescheidParams {
                template: "bescheid".into(),
                signature_level: level,
                channel,
                abruf_frist: (channel == BescheidChannel::PostfachAbruf)
                    .then(|| Duration::days(10)),
                fiktion_tage: 3,
            })
        };
        if with_fallback {
            let b = self.block(
                "Bescheid bereitstellen",
                bescheid(BescheidChannel::PostfachAbruf, SignatureLevel::Qes),
                2,
                1,
            );
            let brief = self.block(
                "Bescheid per Brief",
                bescheid(BescheidChannel::Brief, SignatureLevel::Name),
                3,
                2,
            );
            self.edge(&sz, "ok", &b);
            self.edge(&b, "nichtAbgerufen", &brief);
            self.pending.push((b, "zugestellt".into()));
            self.pending.push((brief, "zugestellt".into()));
        } else {
            let b = self.block(
                "Bescheid versenden",
                bescheid(BescheidChannel::Brief, SignatureLevel::Name),
                2,
                1,
            );
            self.edge(&sz, "ok", &b);
            self.pending.push((b, "zugestellt".into()));
        }
        self.end(width);
    }

    pub(super) fn seg_zahlung(&mut self) {
        self.begin(2);
        let methods = match self.rng.below(3) {
            0 => vec![
                PaymentMethod::OnlineUeberweisung,
                PaymentMethod::Kreditkarte,
            ],
            1 => vec![PaymentMethod::Paypal, PaymentMethod::Lastschrift],
            _ => vec![PaymentMethod::Rechnung],
        };
        let timing = *self.rng.pick(PaymentTiming::ALL);
        let amount = if self.rng.chance(50) {
            "gebuehr".to_string()
        } else {
            format!("{}.00", self.rng.range(10, 200))
        };
        let pay_deadline = days(self.rng.range(7, 30));
        let z = self.block(
            "Gebühr erheben",
            BlockKind::Zahlung(ZahlungParams {
                amount,
                kassenzeichen_field: None,
                methods,
                timing,
                pay_deadline,
            }),
            0,
            1,
        );
        let n = self.block(
            "Offene Forderung melden",
            BlockKind::Benachrichtigung(BenachrichtigungParams {
                recipient: Some(Recipient::Role(RoleId::new("R-KASSE"))),
                channel: NotifyChannel::Inbox,
                template: "forderung-offen".into(),
                template_kind: TemplateKind::Hinweis,
            }),
            1,
            2,
        );
        self.enter(&z);
        self.edge(&z, "nichtBezahlt", &n);
        self.pending.push((z, "bezahlt".into()));
        self.pending.push((n, "next".into()));
        self.end(2);
    }
}
