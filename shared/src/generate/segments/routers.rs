//! Router segments: Wertgrenzen-Weiche and Komplexitäts-Weiche with their branches.

use super::*;

impl Gen {
    /// Wertgrenzen-Weiche with the three procurement bands (UVgO § 14; Komm. Vergabegrundsätze NRW 5.2).
    pub(super) fn seg_wertgrenzen(&mut self) {
        self.begin(2);
        let first = self.wertgrenzen == 0;
        self.wertgrenzen += 1;
        let bands = vec![
            Band {
                id: "bis1000".into(),
                lower: Money::euros(0),
                upper: Some(Money::euros(1_000)),
                label: "Direktauftrag".into(),
            },
            Band {
                id: "bis25000".into(),
                lower: Money::euros(1_000),
                upper: Some(Money::euros(25_000)),
                label: String::new(),
            },
            Band {
                id: "ueber25000".into(),
                lower: Money::euros(25_000),
                upper: None,
                label: String::new(),
            },
        ];
        let wg = self.block(
            "Wertgrenze",
            BlockKind::Wertgrenzen(WertgrenzenParams {
                amount_field: "betragNetto".into(),
                basis: AmountBasis::Netto,
                currency: "EUR".into(),
                bands,
            }),
            0,
            1,
        );
        self.enter(&wg);
        let low = self.block(
            "Direktauftrag erteilen",
            sb_kind("R-SB", "Direktauftrag erteilen.", &["ok"], 3),
            1,
            0,
        );
        // Only the first Weiche has a limited signer in its middle band: no other band lies
        // upstream of it, so the signer is checked against this band only.
        let mid_signer = if first { "R-AL" } else { "R-BM" };
        let mid = self.block(
            "Vergabe zeichnen",
            sz_kind(mid_signer, Some("betragNetto"), SignatureLevel::Name),
            1,
            1,
        );
        let high = self.block(
            "Vergabe zeichnen (über 25.000 €)",
            sz_kind("R-BM", Some("betragNetto"), SignatureLevel::Qes),
            1,
            2,
        );
        self.edge(&wg, "bis1000", &low);
        self.edge(&wg, "bis25000", &mid);
        self.edge(&wg, "ueber25000", &high);
        self.pending.push((low, "ok".into()));
        for b in [mid, high] {
            self.pending.push((b.clone(), "ok".into()));
            self.pending.push((b, "reject".into()));
        }
        self.end(2);
    }

    pub(super) fn seg_komplexitaet(&mut self, rule_set: usize) {
        self.begin(2);
        let rules_src = RULE_SETS[rule_set % RULE_SETS.len()];
        let rules: Vec<Rule> = rules_src
            .iter()
            .map(|(id, label, cond)| Rule {
                id: id.to_string(),
                label: label.to_string(),
                condition: cond.to_string(),
            })
            .collect();
        let k = self.block(
            "Komplexität",
            BlockKind::Komplexitaet(KomplexitaetParams {
                rules,
                evaluation: Evaluation::FirstMatch,
            }),
            0,
            1,
        );
        self.enter(&k);
        for (i, (id, label, _)) in rules_src.iter().enumerate() {
            let b = self.block(
                label,
                sb_kind("R-FP", "Vertieft prüfen.", &["ok"], 10),
                1,
                i as i32 * 2 + 2,
            );
            self.edge(&k, id, &b);
            self.pending.push((b, "ok".into()));
        }
        let simple = self.block(
            "Standardprüfung",
            sb_kind("R-SB", "Im Standardverfahren prüfen.", &["ok"], 5),
            1,
            1,
        );
        self.edge(&k, OTHERWISE_PORT, &simple);
        self.pending.push((simple, "ok".into()));
        self.end(2);
    }
}
