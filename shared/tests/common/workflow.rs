//! Strategies for fields, roles, layout and whole, internally consistent workflows.

use fachwerk_shared::model::*;
use proptest::prelude::*;
use proptest::sample::select;

use super::*;

pub fn field_type() -> impl Strategy<Value = FieldType> {
    select(vec![
        FieldType::Money,
        FieldType::Date,
        FieldType::Int,
        FieldType::Bool,
        FieldType::Enum,
        FieldType::Text,
    ])
}

pub fn rect() -> impl Strategy<Value = Rect> {
    (any::<i32>(), any::<i32>(), any::<i32>(), any::<i32>()).prop_map(|(x, y, w, h)| Rect {
        x,
        y,
        w,
        h,
    })
}

pub fn point() -> impl Strategy<Value = Point> {
    (any::<i32>(), any::<i32>()).prop_map(|(x, y)| Point { x, y })
}

/// Non-empty waypoint lists (an empty list is the same as none, see the ops report).
pub fn waypoints() -> impl Strategy<Value = Vec<Point>> {
    prop::collection::vec(point(), 1..3)
}

pub fn field() -> impl Strategy<Value = Field> {
    (
        text(),
        text(),
        field_type(),
        prop::collection::vec(text(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(name, label, field_type, values, required)| Field {
            name,
            label,
            field_type,
            values,
            required,
        })
}

pub fn role() -> impl Strategy<Value = Role> {
    (role_id(), text(), opt_text(), proptest::option::of(money())).prop_map(
        |(id, name, org_unit, signing_limit)| Role {
            id,
            name,
            org_unit,
            signing_limit,
        },
    )
}

/// Makes `base` unique by appending `#i` (the part after the last '#' is always the index).
fn unique(base: &str, i: usize) -> String {
    format!("{base}#{i}")
}

/// Arbitrary, internally consistent workflows: unique ids and names, edges between existing
/// blocks, layout only for existing blocks and edges, waypoint lists non-empty. Parameters and
/// references inside parameters are arbitrary (they need not validate).
pub fn workflow() -> impl Strategy<Value = Workflow> {
    let header = (
        text(),
        text(),
        text(),
        text(),
        any::<u64>(),
        0u32..=fachwerk_shared::model::SCHEMA_VERSION,
        proptest::option::of(any::<u32>()),
    );
    let blocks = prop::collection::vec(
        (
            block_id(),
            text(),
            block_kind(),
            proptest::option::of(rect()),
        ),
        0..8,
    );
    let edges = prop::collection::vec(
        (
            text(),
            any::<usize>(),
            any::<usize>(),
            text(),
            proptest::option::of(waypoints()),
        ),
        0..10,
    );
    (
        header,
        prop::collection::vec(field(), 0..4),
        prop::collection::vec(role(), 0..4),
        blocks,
        edges,
    )
        .prop_map(
            |(
                (key, name, description, version, next_id, schema_version, history_ttl),
                fields,
                roles,
                blocks,
                edges,
            )| {
                let mut w = Workflow::new(key, name);
                w.description = description;
                w.version = version;
                w.next_id = next_id;
                w.schema_version = schema_version;
                w.history_time_to_live_days = history_ttl;
                w.fields = fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut f)| {
                        f.name = unique(&f.name, i);
                        f
                    })
                    .collect();
                w.roles = roles
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut r)| {
                        r.id = RoleId(unique(&r.id.0, i));
                        r
                    })
                    .collect();
                for (i, (id, label, kind, rect)) in blocks.into_iter().enumerate() {
                    let id = BlockId(unique(&id.0, i));
                    if let Some(r) = rect {
                        w.layout.blocks.insert(id.clone(), r);
                    }
                    w.blocks.push(Block { id, label, kind });
                }
                if !w.blocks.is_empty() {
                    let n = w.blocks.len();
                    for (i, (id, from, to, port, points)) in edges.into_iter().enumerate() {
                        let id = EdgeId(unique(&id, i));
                        if let Some(p) = points {
                            w.layout.edges.insert(id.clone(), p);
                        }
                        w.edges.push(Edge {
                            id,
                            from: w.blocks[from % n].id.clone(),
                            port,
                            to: w.blocks[to % n].id.clone(),
                        });
                    }
                }
                w
            },
        )
}
