//! Deltas between two frames: a diff of their JSON values, so a field that did not change is not
//! written again.
//!
//! A patch is a JSON value read by its shape:
//! - an object patches an object: each member patches the member of the same name;
//! - `[v]` replaces the value with `v`;
//! - `[]` removes the member;
//! - `["i", {"3": p, …}]` patches an array of the same length element by element;
//! - `["k", field, [key, …], {key: p, …}]` patches an array of objects keyed by `field` (a process
//!   by its pid, a peer by its address): the keys give the new order, and an element whose key is
//!   new comes whole as `[v]`.

use serde_json::{Map, Value};

/// Members that name an element of a table, tried in this order.
const KEY_FIELDS: [&str; 7] = [
    "pid",
    "remote",
    "local",
    "mountpoint",
    "uid",
    "name",
    "label",
];

/// The patch turning `old` into `new`; None when they are equal.
pub fn diff(old: &Value, new: &Value) -> Option<Value> {
    if old == new {
        return None;
    }
    Some(match (old, new) {
        (Value::Object(a), Value::Object(b)) => Value::Object(diff_objects(a, b)),
        (Value::Array(a), Value::Array(b)) => diff_arrays(a, b),
        _ => replace(new),
    })
}

fn replace(v: &Value) -> Value {
    Value::Array(vec![v.clone()])
}

fn diff_objects(a: &Map<String, Value>, b: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, vb) in b {
        let p = match a.get(k) {
            Some(va) => diff(va, vb),
            None => Some(replace(vb)),
        };
        if let Some(p) = p {
            out.insert(k.clone(), p);
        }
    }
    for k in a.keys().filter(|k| !b.contains_key(*k)) {
        out.insert(k.clone(), Value::Array(Vec::new()));
    }
    out
}

fn diff_arrays(a: &[Value], b: &[Value]) -> Value {
    if let Some(field) = key_field(a).filter(|f| key_field_is(b, f)) {
        return diff_keyed(a, b, field);
    }
    if a.len() != b.len() {
        return replace(&Value::Array(b.to_vec()));
    }
    let mut changed = Map::new();
    for (i, (va, vb)) in a.iter().zip(b).enumerate() {
        if let Some(p) = diff(va, vb) {
            changed.insert(i.to_string(), p);
        }
    }
    Value::Array(vec!["i".into(), Value::Object(changed)])
}

/// The key of an element, as text.
fn key_of(v: &Value, field: &str) -> Option<String> {
    match v.get(field)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// True when every element is an object with a distinct scalar `field`.
fn key_field_is(items: &[Value], field: &str) -> bool {
    let mut seen = std::collections::HashSet::new();
    items
        .iter()
        .all(|v| key_of(v, field).is_some_and(|k| seen.insert(k)))
}

fn key_field(items: &[Value]) -> Option<&'static str> {
    if items.is_empty() {
        return None;
    }
    KEY_FIELDS.into_iter().find(|f| key_field_is(items, f))
}

fn diff_keyed(a: &[Value], b: &[Value], field: &str) -> Value {
    let old: std::collections::HashMap<String, &Value> = a
        .iter()
        .filter_map(|v| Some((key_of(v, field)?, v)))
        .collect();
    let mut order = Vec::with_capacity(b.len());
    let mut changed = Map::new();
    for vb in b {
        let Some(k) = key_of(vb, field) else { continue };
        let p = match old.get(&k) {
            Some(va) => diff(va, vb),
            None => Some(replace(vb)),
        };
        if let Some(p) = p {
            changed.insert(k.clone(), p);
        }
        order.push(Value::String(k));
    }
    Value::Array(vec![
        "k".into(),
        field.into(),
        Value::Array(order),
        Value::Object(changed),
    ])
}

/// Why a patch could not be applied: the frame it was made against is not the one given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the delta does not fit the frame before it: {0}")]
pub struct Mismatch(pub String);

/// Applies `patch` to `base` in place.
pub fn apply(base: &mut Value, patch: &Value) -> Result<(), Mismatch> {
    match patch {
        Value::Object(members) => {
            let Value::Object(target) = base else {
                return Err(Mismatch("an object patch for a non-object".into()));
            };
            for (k, p) in members {
                apply_member(target, k, p)?;
            }
            Ok(())
        }
        Value::Array(parts) => match parts.as_slice() {
            [v] => {
                *base = v.clone();
                Ok(())
            }
            [tag, Value::Object(changed)] if tag == "i" => apply_indexed(base, changed),
            [
                tag,
                Value::String(field),
                Value::Array(order),
                Value::Object(changed),
            ] if tag == "k" => apply_keyed(base, field, order, changed),
            _ => Err(Mismatch("an array patch of unknown shape".into())),
        },
        _ => Err(Mismatch("a patch that is neither object nor array".into())),
    }
}

fn apply_member(target: &mut Map<String, Value>, k: &str, p: &Value) -> Result<(), Mismatch> {
    match p {
        Value::Array(parts) if parts.is_empty() => {
            target.remove(k);
        }
        Value::Array(parts) if parts.len() == 1 => {
            target.insert(k.to_string(), parts.first().cloned().unwrap_or(Value::Null));
        }
        _ => {
            let slot = target
                .get_mut(k)
                .ok_or_else(|| Mismatch(format!("no member {k:?} to patch")))?;
            apply(slot, p)?;
        }
    }
    Ok(())
}

fn apply_indexed(base: &mut Value, changed: &Map<String, Value>) -> Result<(), Mismatch> {
    let Value::Array(items) = base else {
        return Err(Mismatch("an element patch for a non-array".into()));
    };
    for (i, p) in changed {
        let slot = i
            .parse::<usize>()
            .ok()
            .and_then(|i| items.get_mut(i))
            .ok_or_else(|| Mismatch(format!("no element {i}")))?;
        apply(slot, p)?;
    }
    Ok(())
}

fn apply_keyed(
    base: &mut Value,
    field: &str,
    order: &[Value],
    changed: &Map<String, Value>,
) -> Result<(), Mismatch> {
    let Value::Array(items) = base else {
        return Err(Mismatch("a keyed patch for a non-array".into()));
    };
    let mut old: std::collections::HashMap<String, Value> = std::mem::take(items)
        .into_iter()
        .filter_map(|v| Some((key_of(&v, field)?, v)))
        .collect();
    for k in order {
        let k = k
            .as_str()
            .ok_or_else(|| Mismatch("a key that is not text".into()))?;
        let mut v = old.remove(k).unwrap_or(Value::Null);
        if let Some(p) = changed.get(k) {
            apply(&mut v, p)?;
        }
        if v.is_null() {
            return Err(Mismatch(format!("no element keyed {k:?}")));
        }
        items.push(v);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn round_trip(a: Value, b: Value) -> Option<Value> {
        let p = diff(&a, &b);
        let mut x = a.clone();
        if let Some(p) = &p {
            apply(&mut x, p).unwrap();
        }
        assert_eq!(x, b, "patch {p:?}");
        p
    }

    #[test]
    fn unchanged_fields_are_not_written() {
        let a = json!({"time_ms": 1, "host": "h", "n": {"a": 1, "b": 2}});
        let b = json!({"time_ms": 2, "host": "h", "n": {"a": 1, "b": 3}});
        let p = round_trip(a, b).unwrap();
        assert_eq!(p, json!({"time_ms": [2], "n": {"b": [3]}}));
        assert_eq!(round_trip(json!({"a": 1}), json!({"a": 1})), None);
    }

    #[test]
    fn nulls_removals_and_type_changes_survive() {
        round_trip(json!({"a": 1, "b": null}), json!({"a": null, "c": [1]}));
        round_trip(json!({"a": {"Ok": 1}}), json!({"a": {"Err": "x"}}));
        round_trip(json!([1, 2, 3]), json!([1, 5, 3]));
        round_trip(json!([1, 2, 3]), json!([1]));
        round_trip(json!({"a": []}), json!({"a": [[]]}));
    }

    #[test]
    fn tables_are_keyed_by_a_stable_id() {
        let a = json!([{"pid": 1, "open": 5}, {"pid": 2, "open": 9}, {"pid": 3, "open": 1}]);
        let b = json!([{"pid": 2, "open": 10}, {"pid": 1, "open": 5}, {"pid": 4, "open": 7}]);
        let p = round_trip(a, b).unwrap();
        assert_eq!(p[0], "k");
        assert_eq!(p[2], json!(["2", "1", "4"]));
        assert!(p[3].get("1").is_none(), "pid 1 did not change: {p}");
    }

    #[test]
    fn a_patch_for_another_frame_is_refused() {
        let p = json!({"n": {"b": [3]}});
        assert!(apply(&mut json!({"x": 1}), &p).is_err());
        assert!(apply(&mut json!(5), &json!(["i", {"0": [1]}])).is_err());
        assert!(apply(&mut json!([]), &json!(["k", "pid", ["9"], {}])).is_err());
        assert!(apply(&mut json!({}), &json!([1, 2, 3])).is_err());
    }
}
