//! Shrinking an XML message: a proptest [`ValueTree`] whose simplifications remove one
//! element at a time (pre-order, so whole subtrees go first) and then empty the remaining
//! texts; [`super::shrink`] keeps each removal after which the case still fails.

use super::tree::Element;
use proptest::strategy::ValueTree;

/// One step of simplification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Remove(usize),
    Shorten(usize),
}

/// A message being shrunk.
#[derive(Debug, Clone)]
pub struct Reduction {
    current: Element,
    previous: Option<Element>,
    next: usize,
    phase_texts: bool,
    last: Option<Step>,
}

impl Reduction {
    /// Starts from a failing message.
    pub fn new(message: Element) -> Reduction {
        Reduction {
            current: message,
            previous: None,
            next: 1,
            phase_texts: false,
            last: None,
        }
    }

    /// Moves to the next candidate after `self.current`; `false` when none is left.
    fn advance(&mut self) -> bool {
        loop {
            let size = self.current.size();
            if !self.phase_texts {
                if self.next < size {
                    let mut candidate = self.current.clone();
                    if candidate.remove(self.next) {
                        self.previous = Some(std::mem::replace(&mut self.current, candidate));
                        self.last = Some(Step::Remove(self.next));
                        return true;
                    }
                    self.next += 1;
                    continue;
                }
                self.phase_texts = true;
                self.next = 0;
            }
            if self.next >= size {
                return false;
            }
            let i = self.next;
            self.next += 1;
            let mut candidate = self.current.clone();
            if let Some(n) = candidate.get_mut(i) {
                let t = n.text();
                if n.is_leaf() && t.chars().count() > 1 {
                    let short: String = t.trim().chars().take(1).collect();
                    n.set_text(&short);
                    self.previous = Some(std::mem::replace(&mut self.current, candidate));
                    self.last = Some(Step::Shorten(i));
                    return true;
                }
            }
        }
    }
}

impl ValueTree for Reduction {
    type Value = Element;

    fn current(&self) -> Element {
        self.current.clone()
    }

    /// Keeps the last candidate (it still failed) and moves to the next one.
    fn simplify(&mut self) -> bool {
        // After a kept removal the following element now has the same index, so `next` stays.
        self.previous = None;
        self.last = None;
        self.advance()
    }

    /// Undoes the last candidate (it passed) and moves to the next one.
    fn complicate(&mut self) -> bool {
        let Some(prev) = self.previous.take() else {
            return false;
        };
        self.current = prev;
        if let Some(Step::Remove(_)) = self.last.take() {
            self.next += 1;
        }
        self.advance()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{shrink, tree::parse};

    #[test]
    fn shrinks_to_the_elements_the_failure_needs() {
        let big = parse("<r><a><x>long text</x><y/></a><b>keep me</b><c><d/></c></r>").unwrap();
        let fails = |e: &Element| e.walk().iter().any(|(_, _, n)| n.local() == "b");
        let mut tree = Reduction::new(big);
        let out = shrink(&mut tree, 1000, fails);
        assert_eq!(
            out.value.to_xml(),
            parse("<r><b>k</b></r>").unwrap().to_xml()
        );
    }
}
