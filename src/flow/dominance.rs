//! Dominance on a body's CFG, for the facts a may-analysis over-reports.
//!
//! The analysis joins paths without looking at data, so two releases on
//! branches the program can never take together (`if r.is_ok() { release }`,
//! later `match r { Err(_) => release }`) look like a double release. A double
//! release is kept when the structure alone makes it certain: the first
//! release dominates the second (every way to the second passes the first),
//! the second post-dominates the first (every way on from the first reaches
//! the second), or both are the same call in a loop.

use crate::ir::{Body, Event, Span};

/// Immediate dominators of a graph (Cooper, Harvey and Kennedy): `None` for
/// the root and for what it does not reach.
fn immediate_dominators(
    succs: &[Vec<usize>],
    preds: &[Vec<usize>],
    root: usize,
) -> Vec<Option<usize>> {
    let n = succs.len();
    // Reverse postorder from the root.
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    let mut stack = vec![(root, 0usize)];
    seen[root] = true;
    while let Some((b, i)) = stack.pop() {
        if let Some(&s) = succs[b].get(i) {
            stack.push((b, i + 1));
            if !seen[s] {
                seen[s] = true;
                stack.push((s, 0));
            }
        } else {
            order.push(b);
        }
    }
    order.reverse();
    let mut rank = vec![usize::MAX; n];
    for (i, &b) in order.iter().enumerate() {
        rank[b] = i;
    }
    let mut idom: Vec<Option<usize>> = vec![None; n];
    idom[root] = Some(root);
    let intersect = |idom: &[Option<usize>], mut a: usize, mut b: usize| {
        while a != b {
            while rank[a] > rank[b] {
                a = idom[a].expect("processed");
            }
            while rank[b] > rank[a] {
                b = idom[b].expect("processed");
            }
        }
        a
    };
    let mut changed = true;
    while changed {
        changed = false;
        for &b in order.iter().skip(1) {
            let mut new = None;
            for &p in &preds[b] {
                if idom[p].is_none() {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(cur) => intersect(&idom, p, cur),
                });
            }
            if new.is_some() && idom[b] != new {
                idom[b] = new;
                changed = true;
            }
        }
    }
    idom[root] = None;
    idom
}

fn dominates(idom: &[Option<usize>], a: usize, mut b: usize) -> bool {
    loop {
        if a == b {
            return true;
        }
        match idom[b] {
            Some(up) => b = up,
            None => return false,
        }
    }
}

/// The dominator and post-dominator trees of a body, and where its calls are.
pub struct Dominance {
    dom: Vec<Option<usize>>,
    postdom: Vec<Option<usize>>,
    /// (span of a call, block, index of the event in its block)
    calls: Vec<(Span, usize, usize)>,
    /// The same for the ways out (`Event::Exit`).
    exits: Vec<(Span, usize, usize)>,
    /// The same for `for` loops' element bindings (`Event::Element`, by
    /// the loop's iterable).
    elements: Vec<(Span, usize, usize)>,
}

impl Dominance {
    pub fn new(body: &Body) -> Dominance {
        let n = body.blocks.len();
        let succs: Vec<Vec<usize>> = body
            .blocks
            .iter()
            .map(|b| b.succs.iter().map(|&s| s as usize).collect())
            .collect();
        let mut preds = vec![Vec::new(); n];
        for (b, ss) in succs.iter().enumerate() {
            for &s in ss {
                preds[s].push(b);
            }
        }
        let dom = immediate_dominators(&succs, &preds, body.entry as usize);
        let postdom = immediate_dominators(&preds, &succs, body.exit as usize);
        // Where each event with a span `site` picks out is: (span, block, index).
        let sites = |site: fn(&Event) -> Option<Span>| -> Vec<(Span, usize, usize)> {
            body.blocks
                .iter()
                .enumerate()
                .flat_map(|(b, block)| {
                    block
                        .events
                        .iter()
                        .enumerate()
                        .filter_map(move |(i, ev)| site(ev).map(|span| (span, b, i)))
                })
                .collect()
        };
        Dominance {
            dom,
            postdom,
            calls: sites(|ev| match ev {
                Event::Call { span, .. } => Some(*span),
                _ => None,
            }),
            exits: sites(|ev| match ev {
                Event::Exit { span, .. } => Some(*span),
                _ => None,
            }),
            elements: sites(|ev| match ev {
                Event::Element { span, .. } => Some(*span),
                _ => None,
            }),
        }
    }

    /// Every place a call of this span is emitted: one, or one per exit
    /// for a deferred call (lowered at each way out).
    fn positions(&self, span: Span) -> impl Iterator<Item = (usize, usize)> + '_ {
        Self::at(&self.calls, span)
    }

    fn at(sites: &[(Span, usize, usize)], span: Span) -> impl Iterator<Item = (usize, usize)> + '_ {
        sites
            .iter()
            .filter(move |(s, _, _)| *s == span)
            .map(|&(_, b, i)| (b, i))
    }

    /// Does every way to the way out at `exit` pass the release at
    /// `release`? (A release on one branch and a way out after the join are
    /// a path the data may rule out.)
    pub fn certainly_leaves(&self, release: Span, exit: Span) -> bool {
        self.positions(release).any(|(b1, i1)| {
            Self::at(&self.exits, exit).any(|(b2, i2)| {
                if b1 == b2 {
                    i1 < i2
                } else {
                    dominates(&self.dom, b1, b2)
                }
            })
        })
    }

    /// Does every turn of the loop over `iterable` reach the release at
    /// `release` (every way on from its element binding passes it)?
    pub fn every_turn_reaches(&self, iterable: Span, release: Span) -> bool {
        Self::at(&self.elements, iterable).all(|(b1, i1)| {
            self.positions(release).any(|(b2, i2)| {
                if b1 == b2 {
                    i1 < i2
                } else {
                    dominates(&self.postdom, b2, b1)
                }
            })
        })
    }

    /// Is the release at `second` certain to follow one at `first` on some
    /// path the program takes, by the CFG's structure alone? A call emitted
    /// at several places (a deferred release, at each exit) is certain when
    /// one of its places is.
    pub fn certainly_follows(&self, first: Span, second: Span) -> bool {
        if first == second {
            return true;
        }
        let firsts: Vec<(usize, usize)> = self.positions(first).collect();
        let seconds: Vec<(usize, usize)> = self.positions(second).collect();
        if firsts.is_empty() || seconds.is_empty() {
            return true;
        }
        firsts.iter().any(|&(b1, i1)| {
            seconds.iter().any(|&(b2, i2)| {
                if b1 == b2 {
                    i1 < i2
                } else {
                    dominates(&self.dom, b1, b2) || dominates(&self.postdom, b2, b1)
                }
            })
        })
    }
}
