//! How many directories the walker opens at once, lowered when file descriptors run out.
//!
//! Every directory being opened and read holds a slot. When openat(2) fails with EMFILE or
//! ENFILE the limit drops below the number of slots in use, the starved worker waits for
//! another to give one back and tries again; after a run of successes the limit climbs back
//! one slot at a time (additive increase, multiplicative decrease, as TCP does with its window).

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// Successful opens before the limit is raised by one again.
const RAISE_AFTER: u32 = 64;
/// How long a starved worker waits for another to give a slot back.
const WAIT_FOR_RELEASE: Duration = Duration::from_millis(50);

#[derive(Debug)]
pub(crate) struct Gate {
    state: Mutex<State>,
    changed: Condvar,
    max: usize,
}

#[derive(Debug)]
struct State {
    active: usize,
    limit: usize,
    /// Slots given back so far: a starved worker waits for this to move.
    released: u64,
    since_raise: u32,
    /// The lowest the limit has been.
    lowest: usize,
}

/// A slot held while a directory is opened and read; given back on drop.
#[derive(Debug)]
pub(crate) struct Slot<'g> {
    gate: &'g Gate,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut s = self.gate.lock();
        s.active = s.active.saturating_sub(1);
        s.released = s.released.wrapping_add(1);
        drop(s);
        self.gate.changed.notify_all();
    }
}

impl Gate {
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self {
            state: Mutex::new(State {
                active: 0,
                limit: max,
                released: 0,
                since_raise: 0,
                lowest: max,
            }),
            changed: Condvar::new(),
            max,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A worker that panicked while holding the lock left consistent counters behind.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until fewer than the limit are open, then takes a slot.
    pub fn enter(&self) -> Slot<'_> {
        let mut s = self.lock();
        while s.active >= s.limit {
            s = self.changed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        s.active += 1;
        Slot { gate: self }
    }

    /// An open succeeded: after enough of them, allow one more at once.
    pub fn succeeded(&self) {
        let mut s = self.lock();
        if s.limit >= self.max {
            return;
        }
        s.since_raise += 1;
        if s.since_raise >= RAISE_AFTER {
            s.since_raise = 0;
            s.limit += 1;
            drop(s);
            self.changed.notify_all();
        }
    }

    /// The open made while holding `slot` failed for want of descriptors: the limit drops
    /// below the number open now and the slot is given back. When others held slots, waits
    /// (briefly) for one of them to finish and returns true: a retry may succeed. False when
    /// this worker was alone, so at parallelism 1 there is nothing left to wait for.
    pub fn starved(&self, slot: Slot<'_>) -> bool {
        let mut s = self.lock();
        let others = s.active.saturating_sub(1);
        s.limit = others.max(1);
        s.lowest = s.lowest.min(s.limit);
        s.since_raise = 0;
        let seen = s.released;
        drop(s);
        drop(slot);
        if others == 0 {
            return false;
        }
        let s = self.lock();
        // Our own slot's release counts once; wait for another.
        let target = seen.wrapping_add(1);
        let _ = self
            .changed
            .wait_timeout_while(s, WAIT_FOR_RELEASE, |s| s.released == target);
        true
    }

    /// The lowest parallelism the walk fell to.
    pub fn lowest(&self) -> usize {
        self.lock().lowest
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn starving_lowers_the_limit_and_successes_raise_it_again() {
        let gate = Gate::new(4);
        let a = gate.enter();
        let b = gate.enter();
        let c = gate.enter();
        // Three open, the third starves: two at most from now on; others may free some.
        assert!(gate.starved(c));
        assert_eq!(gate.lock().limit, 2);
        drop(b);
        // Alone at the limit: nothing to wait for.
        let lone = gate.enter();
        drop(a);
        assert!(!gate.starved(lone));
        assert_eq!(gate.lock().limit, 1);
        assert_eq!(gate.lowest(), 1);
        for _ in 0..RAISE_AFTER {
            gate.succeeded();
        }
        assert_eq!(gate.lock().limit, 2);
        assert_eq!(gate.lock().active, 0);
    }

    #[test]
    fn waiters_enter_as_slots_are_given_back() {
        let gate = Gate::new(1);
        let held = gate.enter();
        std::thread::scope(|s| {
            let waiter = s.spawn(|| {
                let _slot = gate.enter();
                gate.lock().active
            });
            std::thread::sleep(Duration::from_millis(20));
            drop(held);
            assert_eq!(waiter.join().unwrap(), 1);
        });
    }
}
