//! The segments `synthetic` strings together, and the id and layout bookkeeping.

use std::collections::BTreeSet;

use super::*;

/// Open exits of the segment built so far, to be wired to the next segment's entry.
pub(super) type Pending = Vec<(BlockId, String)>;

pub(super) struct Gen {
    pub(super) w: Workflow,
    pub(super) rng: Rng,
    /// Shared counter for block and edge ids, like [`Workflow::allocate_id`].
    pub(super) counter: u64,
    pub(super) col: i32,
    pub(super) line: i32,
    pub(super) pending: Pending,
    pub(super) wertgrenzen: usize,
    pub(super) roles: BTreeSet<&'static str>,
}

impl Gen {
    fn id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}{}", self.counter)
    }

    /// Adds a block at column offset `dc` of the current segment and row `row` of the line.
    pub(super) fn block(&mut self, label: &str, kind: BlockKind, dc: i32, row: i32) -> BlockId {
        self.note_roles(&kind);
        let id = BlockId(self.id("b"));
        let x = MARGIN + (self.col + dc) * GRID_X;
        let y = MARGIN + (self.line * ROWS_PER_LINE + row) * GRID_Y;
        self.w.layout.blocks.insert(id.clone(), Rect::at(x, y));
        self.w.blocks.push(Block {
            id: id.clone(),
            label: label.to_string(),
            kind,
        });
        id
    }

    pub(super) fn edge(&mut self, from: &BlockId, port: &str, to: &BlockId) {
        let id = EdgeId(self.id("e"));
        self.w.edges.push(Edge {
            id,
            from: from.clone(),
            port: port.to_string(),
            to: to.clone(),
        });
    }

    /// Wires all pending exits to `entry`.
    pub(super) fn enter(&mut self, entry: &BlockId) {
        for (from, port) in std::mem::take(&mut self.pending) {
            self.edge(&from, &port, entry);
        }
    }

    /// Starts a segment `width` columns wide, wrapping to a new line when needed.
    pub(super) fn begin(&mut self, width: i32) {
        if self.col + width > LINE_COLUMNS {
            self.line += 1;
            self.col = 0;
        }
    }

    pub(super) fn end(&mut self, width: i32) {
        self.col += width;
    }

    fn note_roles(&mut self, kind: &BlockKind) {
        for r in role_refs(kind) {
            if let Some((id, _, _)) = ROLES.iter().find(|(id, _, _)| *id == r.0) {
                self.roles.insert(id);
            }
        }
    }

    // --- segments -------------------------------------------------------------------------

    fn seg_task(&mut self) {
        self.begin(1);
        let due = self.rng.range(2, 20);
        let label = *self.rng.pick(&[
            "Unterlagen prüfen",
            "Stellungnahme einholen",
            "Sachverhalt ermitteln",
            "Vermerk fertigen",
        ]);
        let b = self.block(
            label,
            sb_kind("R-SB", "Zur Bearbeitung.", &["ok"], due),
            0,
            1,
        );
        self.enter(&b);
        self.pending.push((b, "ok".into()));
        self.end(1);
    }

    fn seg_notify(&mut self) {
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

    fn seg_frist(&mut self) {
        self.begin(1);
        let kind = if self.rng.chance(50) {
            BlockKind::Frist(FristParams {
                kind: FristKind::Warten,
                duration: days(self.rng.range(7, 30)),
                date_field: None,
                offset: None,
                calendar: Calendar::Kalendertage,
                notify: None,
            })
        } else {
            BlockKind::Frist(FristParams {
                kind: FristKind::WiedervorlageAm,
                duration: None,
                date_field: Some("wiedervorlageAm".into()),
                offset: days(self.rng.range(1, 14)),
                calendar: Calendar::Arbeitstage,
                notify: role("R-SB"),
            })
        };
        let b = self.block("Wiedervorlage", kind, 0, 1);
        self.enter(&b);
        self.pending.push((b, "next".into()));
        self.end(1);
    }

    fn seg_rueckfrage(&mut self) {
        self.begin(1);
        let due = self.rng.range(3, 10);
        let check = self.block(
            "Vollständigkeit prüfen",
            sb_kind(
                "R-SB",
                "Antrag auf Vollständigkeit prüfen.",
                &["ok", "rueckfrage"],
                due,
            ),
            0,
            1,
        );
        let channel = *self.rng.pick(RueckfrageChannel::ALL);
        let deadline = self.rng.range(14, 30);
        let max_rounds = self.rng.range(1, 3);
        let rf = self.block(
            "Unterlagen nachfordern",
            BlockKind::Rueckfrage(RueckfrageParams {
                channel,
                template: "unterlagen-nachfordern".into(),
                reply_deadline: days(deadline),
                reminder_after: days(7),
                max_rounds: Some(max_rounds),
            }),
            0,
            0,
        );
        self.enter(&check);
        self.edge(&check, "rueckfrage", &rf);
        self.edge(&rf, "reply", &check);
        self.pending.push((check, "ok".into()));
        self.pending.push((rf, "timeout".into()));
        self.end(1);
    }

    fn seg_vier_augen(&mut self) {
        self.begin(2);
        let first = self.block(
            "Sachlich und rechnerisch richtig",
            sb_kind("R-SB", "Feststellen.", &["ok"], 5),
            0,
            1,
        );
        let va = self.block(
            "Gegenprüfung",
            BlockKind::VierAugen(VierAugenParams {
                first_check: None,
                first_check_block: Some(first.clone()),
                second_check: role("R-TL"),
                distinct_from: vec![first.clone()],
                exclude_initiator: true,
            }),
            1,
            1,
        );
        self.enter(&first);
        self.edge(&first, "ok", &va);
        self.edge(&va, "reject", &first);
        self.pending.push((va, "ok".into()));
        self.end(2);
    }

    fn seg_mitzeichnung(&mut self) {
        self.begin(2);
        let draft = self.block(
            "Entwurf fertigen",
            sb_kind("R-SB", "Entwurf zur Mitzeichnung fertigen.", &["ok"], 10),
            0,
            1,
        );
        let pool = [
            ("R-KAEM", "Kämmerei"),
            ("R-RECHT", "Rechtsamt"),
            ("R-VST", "Vergabestelle"),
        ];
        let skip = self.rng.below(pool.len());
        let participants = pool
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, (r, l))| Participant {
                assignee: role(r),
                label: l.to_string(),
                mandatory: true,
            })
            .collect();
        let mode = if self.rng.chance(70) {
            MitzeichnungMode::Parallel
        } else {
            MitzeichnungMode::Sequential
        };
        let due = self.rng.range(3, 10);
        let mz = self.block(
            "Mitzeichnung",
            BlockKind::Mitzeichnung(MitzeichnungParams {
                participants,
                mode,
                decision_rule: DecisionRule::AllApprove,
                due_in: days(due),
                comment: CommentRule::RequiredOnVeto,
            }),
            1,
            1,
        );
        self.enter(&draft);
        self.edge(&draft, "ok", &mz);
        self.edge(&mz, "veto", &draft);
        self.pending.push((mz, "ok".into()));
        self.end(2);
    }

    /// Sachbearbeitung → Schlusszeichnung → Bescheid (download with postal fallback, or letter).
    fn seg_bescheid(&mut self, with_fallback: bool) {
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

    /// Wertgrenzen-Weiche with the three procurement bands (UVgO § 14; Komm. Vergabegrundsätze NRW 5.2).
    fn seg_wertgrenzen(&mut self) {
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

    fn seg_komplexitaet(&mut self, rule_set: usize) {
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

    fn seg_zahlung(&mut self) {
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

    fn seg_eskalation(&mut self) {
        self.begin(1);
        let due = self.rng.range(5, 10);
        let task = self.block(
            "Stellungnahme Fachamt",
            sb_kind("R-SB", "Stellungnahme abgeben.", &["ok"], due),
            0,
            1,
        );
        let interrupting = self.rng.chance(40);
        let after = days(due + self.rng.range(1, 10));
        let esk = self.block(
            if interrupting {
                "Aufgabe entziehen"
            } else {
                "Erinnerung an Vertretung"
            },
            BlockKind::Eskalation(EskalationParams {
                attached_to: Some(task.clone()),
                after,
                interrupting,
                escalate_to: role("R-VT"),
            }),
            0,
            0,
        );
        self.enter(&task);
        self.pending.push((task, "ok".into()));
        if interrupting {
            self.pending.push((esk, "escalated".into()));
        }
        self.end(1);
    }

    /// A decision with a rejection branch that is filed and ends on its own.
    fn seg_ablehnung(&mut self) {
        self.begin(3);
        let check = self.block(
            "Entscheiden",
            sb_kind(
                "R-SB",
                "Über den Antrag entscheiden.",
                &["ok", "reject"],
                10,
            ),
            0,
            1,
        );
        let ver = self.block("Ablehnung veraktet", veraktung_kind(), 1, 3);
        let end = self.block(
            "Abgelehnt",
            BlockKind::Ende(EndeParams {
                result: EndResult::Abgelehnt,
                terminate: false,
            }),
            2,
            3,
        );
        self.enter(&check);
        self.edge(&check, "reject", &ver);
        self.edge(&ver, "ok", &end);
        self.edge(&ver, "fehler", &end);
        self.pending.push((check, "ok".into()));
        self.end(3);
    }

    /// Adds one segment of at most `budget` blocks; returns its size.
    pub(super) fn segment(&mut self, budget: usize) -> usize {
        // (size, weight) per segment kind, in the order of the match below.
        const KINDS: [(usize, usize); 13] = [
            (1, 14), // task
            (1, 6),  // notify
            (1, 5),  // frist
            (2, 9),  // rueckfrage
            (2, 8),  // vier-augen
            (2, 7),  // mitzeichnung
            (4, 6),  // bescheid with fallback
            (3, 4),  // bescheid by letter
            (4, 6),  // wertgrenzen
            (3, 5),  // komplexitaet, one rule
            (4, 4),  // komplexitaet, two rules
            (2, 6),  // zahlung
            (2, 6),  // eskalation
        ];
        const ABLEHNUNG: (usize, usize) = (3, 4);
        let fits: Vec<usize> = (0..=KINDS.len())
            .filter(|&i| KINDS.get(i).copied().unwrap_or(ABLEHNUNG).0 <= budget)
            .collect();
        let total: usize = fits
            .iter()
            .map(|&i| KINDS.get(i).copied().unwrap_or(ABLEHNUNG).1)
            .sum();
        let mut roll = self.rng.below(total);
        let mut choice = fits[0];
        for &i in &fits {
            let w = KINDS.get(i).copied().unwrap_or(ABLEHNUNG).1;
            if roll < w {
                choice = i;
                break;
            }
            roll -= w;
        }
        match choice {
            0 => self.seg_task(),
            1 => self.seg_notify(),
            2 => self.seg_frist(),
            3 => self.seg_rueckfrage(),
            4 => self.seg_vier_augen(),
            5 => self.seg_mitzeichnung(),
            6 => self.seg_bescheid(true),
            7 => self.seg_bescheid(false),
            8 => self.seg_wertgrenzen(),
            9 => self.seg_komplexitaet(0),
            10 => {
                let set = 1 + self.rng.below(RULE_SETS.len() - 1);
                self.seg_komplexitaet(set)
            }
            11 => self.seg_zahlung(),
            12 => self.seg_eskalation(),
            _ => self.seg_ablehnung(),
        }
        KINDS.get(choice).copied().unwrap_or(ABLEHNUNG).0
    }
}
