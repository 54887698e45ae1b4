//! Per-thread xee programs of each engine.
//!
//! xee's compiled programs hold `Rc`s and cannot cross threads, so every thread compiles an
//! engine's prepared expressions once and keeps them here, keyed by the engine's id. Entries
//! of engines that were dropped are purged on the next lookup.

use super::compile::Compiled;
use super::eval::{self, Programs};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

/// (engine id, the engine's compiled data while it lives, this thread's programs).
type Entry = (u64, Weak<Compiled>, Rc<Programs>);

thread_local! {
    static PROGRAMS: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// A fresh engine id.
pub(crate) fn next_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// This thread's programs for an engine, compiled on first use.
pub(crate) fn programs(id: u64, compiled: &Arc<Compiled>) -> Result<Rc<Programs>, String> {
    let found = PROGRAMS.with(|cell| {
        let mut cache = cell.borrow_mut();
        cache.retain(|(_, weak, _)| weak.strong_count() > 0);
        cache
            .iter()
            .find(|(i, _, _)| *i == id)
            .map(|(_, _, p)| p.clone())
    });
    if let Some(p) = found {
        return Ok(p);
    }
    let p = Rc::new(eval::programs(compiled)?);
    PROGRAMS.with(|cell| {
        cell.borrow_mut()
            .push((id, Arc::downgrade(compiled), p.clone()))
    });
    Ok(p)
}
