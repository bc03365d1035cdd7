//! Segments of work on the case: tasks, Fristen, Rückfragen, Vier-Augen, Mitzeichnung,
//! Eskalationen and the rejection branch.

use super::*;

impl Gen {
    pub(super) fn seg_task(&mut self) {
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

    pub(super) fn seg_frist(&mut self) {
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

    pub(super) fn seg_rueckfrage(&mut self) {
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

    pub(super) fn seg_vier_augen(&mut self) {
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

    pub(super) fn seg_mitzeichnung(&mut self) {
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

    pub(super) fn seg_eskalation(&mut self) {
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
    pub(super) fn seg_ablehnung(&mut self) {
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
}
