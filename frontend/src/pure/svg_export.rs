//! "SVG exportieren": a standalone drawing of the whole workflow, built from the model (the
//! canvas only holds the visible blocks).

use fachwerk_shared::catalog;
use fachwerk_shared::Workflow;

use super::geometry::{block_rect, bounds, port_offset, port_text, ports_of, visual_height};
use crate::i18n::Lang;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn export(w: &Workflow, lang: Lang) -> String {
    let (x0, y0, x1, y1) = bounds(w).unwrap_or((0, 0, 200, 100));
    let (ox, oy) = (x0 - 40, y0 - 40);
    let (width, height) = (x1 - x0 + 160, y1 - y0 + 80);
    let mut s = String::new();
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"{ox} {oy} {width} {height}\" font-family=\"sans-serif\">\n"
    ));
    s.push_str(&format!("<title>{}</title>\n", esc(&w.name)));
    s.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#334155\"/></marker></defs>\n",
    );
    s.push_str(&format!(
        "<rect x=\"{ox}\" y=\"{oy}\" width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n"
    ));
    let index: std::collections::HashMap<_, _> = w
        .blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (&b.id, i))
        .collect();
    for e in &w.edges {
        let (Some(&fi), Some(&ti)) = (index.get(&e.from), index.get(&e.to)) else {
            continue;
        };
        let (fb, tb) = (&w.blocks[fi], &w.blocks[ti]);
        let (fr, tr) = (block_rect(w, fi, &fb.id), block_rect(w, ti, &tb.id));
        let fports = ports_of(fb);
        let fh = visual_height(&fr, fports.len());
        let th = visual_height(&tr, ports_of(tb).len());
        let pi = fports.iter().position(|p| p.name == e.port);
        let sy = fr.y + pi.map_or(fh / 2, |i| port_offset(i, fports.len(), fh));
        let (sx, ex, ey) = (fr.x + fr.w, tr.x, tr.y + th / 2);
        let dx = ((ex - sx).abs() / 2).max(40);
        s.push_str(&format!(
            "<path d=\"M {sx} {sy} C {} {sy}, {} {ey}, {ex} {ey}\" fill=\"none\" stroke=\"#334155\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"/>\n",
            sx + dx,
            ex - dx
        ));
        let label = pi
            .and_then(|i| fports.get(i))
            .map_or(e.port.clone(), |p| port_text(p, lang));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#334155\">{}</text>\n",
            (sx + ex) / 2,
            (sy + ey) / 2 - 6,
            esc(&label)
        ));
    }
    for (i, b) in w.blocks.iter().enumerate() {
        let r = block_rect(w, i, &b.id);
        let ports = ports_of(b);
        let h = visual_height(&r, ports.len());
        let info = catalog::info(b.block_type());
        let tname = if lang == Lang::De {
            info.name_de
        } else {
            info.name_en
        };
        s.push_str(&format!("<g transform=\"translate({} {})\">\n", r.x, r.y));
        s.push_str(&format!(
            "<rect width=\"{}\" height=\"{h}\" rx=\"6\" fill=\"#f8fafc\" stroke=\"#1e3a5f\" stroke-width=\"1.5\"/>\n",
            r.w
        ));
        s.push_str(&format!(
            "<path transform=\"translate(10 10)\" d=\"{}\" fill=\"none\" stroke=\"#1e3a5f\" stroke-width=\"1.6\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n",
            crate::pure::icons::block_icon(b.block_type())
        ));
        s.push_str(&format!(
            "<text x=\"32\" y=\"24\" font-size=\"14\" fill=\"#0f172a\">{}</text>\n",
            esc(&w.block_label(&b.id))
        ));
        s.push_str(&format!(
            "<text x=\"10\" y=\"44\" font-size=\"11\" fill=\"#475569\">{}</text>\n",
            esc(tname)
        ));
        for k in 0..ports.len() {
            let y = port_offset(k, ports.len(), h);
            s.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{y}\" r=\"4\" fill=\"#1e3a5f\"/>\n",
                r.w
            ));
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use fachwerk_shared::parse_workflow;

    use super::*;

    #[test]
    fn every_block_and_edge_is_drawn_with_escaped_text() {
        let mut w =
            parse_workflow(include_str!("../../../workflows/beschaffung.json")).expect("template");
        w.name = "A & B <C>".into();
        let svg = export(&w, Lang::De);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("<title>A &amp; B &lt;C&gt;</title>"));
        // One rect per block plus the white background.
        assert_eq!(svg.matches("<rect ").count(), w.blocks.len() + 1);
        assert_eq!(
            svg.matches("marker-end=\"url(#arrow)\"").count(),
            w.edges.len()
        );
    }
}
