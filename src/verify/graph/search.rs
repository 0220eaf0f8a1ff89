//! The shortest path from a principal to an admin-like state, and what it reaches on the way:
//! a breadth-first search over the edges of `edges.rs`, writes counting once the path also
//! controls their target.
//!
//! In: a principal of the [`World`]. Out: its [`Escalation`], if any, and what it [`Reached`].

use super::*;
use std::sync::atomic::Ordering;

/// What one search keeps, reused by the searches a thread runs (cleared after each).
pub(super) struct Scratch {
    /// Per node: how it was first reached, and in how many steps.
    parents: Vec<Option<(Parent, usize)>>,
    /// The nodes visited, in order.
    visited: Vec<usize>,
    /// Per principal: its states visited, in order.
    by_principal: Vec<Vec<usize>>,
    /// The principals with a state visited, in order.
    principals: Vec<usize>,
    /// Per principal: the writes on it seen so far (writer node, edge index, lift).
    writes: Vec<Vec<(usize, usize, bool)>>,
    /// The principals written.
    written: Vec<usize>,
    queue: VecDeque<usize>,
}

impl Scratch {
    pub(super) fn new(world: &World<'_>) -> Scratch {
        Scratch {
            parents: vec![None; world.nodes.len()],
            visited: Vec::new(),
            by_principal: vec![Vec::new(); world.principals.len()],
            principals: Vec::new(),
            writes: vec![Vec::new(); world.principals.len()],
            written: Vec::new(),
            queue: VecDeque::new(),
        }
    }

    fn depth(&self, node: usize) -> usize {
        self.parents[node].expect("a visited node").1
    }

    /// Visits `node` unless it was: its parent, its depth, queued.
    fn visit(&mut self, world: &World<'_>, node: usize, parent: Parent, depth: usize) {
        if self.parents[node].is_some() {
            return;
        }
        self.parents[node] = Some((parent, depth));
        self.visited.push(node);
        let principal = world.nodes[node].state.principal;
        if self.by_principal[principal].is_empty() {
            self.principals.push(principal);
        }
        self.by_principal[principal].push(node);
        self.queue.push_back(node);
    }

    fn reset(&mut self) {
        for &node in &self.visited {
            self.parents[node] = None;
        }
        self.visited.clear();
        for &principal in &self.principals {
            self.by_principal[principal].clear();
        }
        self.principals.clear();
        for &principal in &self.written {
            self.writes[principal].clear();
        }
        self.written.clear();
        self.queue.clear();
    }
}

impl<'a> World<'a> {
    /// A principal state with a write applied.
    pub(super) fn upgraded(&self, base: State, lift: bool) -> Option<State> {
        if base.group.is_some() || (lift && base.unbounded) || (!lift && base.granted) {
            return None;
        }
        Some(State {
            granted: base.granted || !lift,
            unbounded: base.unbounded || lift,
            ..base
        })
    }

    /// The public form of edge `edge` of node `from`; `to` overrides where a write leads.
    pub(super) fn step(&self, from: usize, edge: &RawEdge, to: Option<State>) -> Step {
        let to = to.unwrap_or_else(|| self.target_state(edge.target));
        Step {
            from: self.nodes[from].state,
            to,
            kind: edge.kind,
            calls: edge.calls.clone(),
            trusted_by: edge.trusted_by.clone(),
        }
    }

    /// [`World::step`] of an edge the graph takes over (its calls moved, not copied).
    pub(super) fn owned_step(&self, from: usize, edge: RawEdge) -> Step {
        Step {
            from: self.nodes[from].state,
            to: self.target_state(edge.target),
            kind: edge.kind,
            calls: edge.calls,
            trusted_by: edge.trusted_by,
        }
    }

    /// The state an edge leads to: its node's, or the written principal granted (or lifted).
    fn target_state(&self, target: Target) -> State {
        match target {
            Target::Node(n) => self.nodes[n].state,
            Target::Write { principal, lift } => State {
                granted: !lift,
                unbounded: lift,
                ..State::plain(principal)
            },
        }
    }

    /// A breadth-first search from principal `p`: the first admin-like state it reaches (with
    /// the path) and every principal it reaches. `None` for an admin-like principal. `bound` is
    /// how many nodes it can visit at most ([`World::closure_bounds`]): once it has visited as
    /// many, the nodes left in its queue are only looked at for the first admin-like one, as
    /// expanding them would visit nothing new.
    pub(super) fn search(
        &self,
        p: usize,
        bound: usize,
        s: &mut Scratch,
    ) -> Option<(Option<Escalation>, Vec<Reached>)> {
        let root = self.ids[&State::plain(p)];
        if !self.searched(p) {
            return None;
        }
        let mut found = None;
        s.visit(self, root, Parent::Root, 0);
        while let Some(node) = s.queue.pop_front() {
            let depth = s.depth(node);
            if let Some(power) = self.power(node) {
                if found.is_none() {
                    found = Some((node, power));
                }
                continue;
            }
            // Its edges are part of the answer (their undecided candidates are listed).
            self.nodes[node].processed.store(true, Ordering::Relaxed);
            if s.visited.len() >= bound {
                continue;
            }
            let state = self.nodes[node].state;
            // Writes already seen on this principal apply to this new state of it.
            let pending = match state.group {
                None => s.writes[state.principal].len(),
                Some(_) => 0,
            };
            for (index, edge) in self.edges(node).iter().enumerate() {
                match edge.target {
                    Target::Node(next) => {
                        s.visit(
                            self,
                            next,
                            Parent::Edge {
                                from: node,
                                edge: index,
                            },
                            depth + 1,
                        );
                    }
                    Target::Write { principal, lift } => {
                        if s.writes[principal].is_empty() {
                            s.written.push(principal);
                        }
                        s.writes[principal].push((node, index, lift));
                        // Every state of the written principal seen so far gains it.
                        let seen = s.by_principal[principal].len();
                        for at in 0..seen {
                            let base = s.by_principal[principal][at];
                            let Some(next) = self.upgraded(self.nodes[base].state, lift) else {
                                continue;
                            };
                            let base_depth = s.depth(base);
                            s.visit(
                                self,
                                self.ids[&next],
                                Parent::Upgrade {
                                    base,
                                    writer: node,
                                    edge: index,
                                },
                                base_depth.max(depth) + 1,
                            );
                        }
                    }
                }
            }
            for at in 0..pending {
                let (writer, index, lift) = s.writes[state.principal][at];
                if let Some(next) = self.upgraded(state, lift) {
                    let writer_depth = s.depth(writer);
                    s.visit(
                        self,
                        self.ids[&next],
                        Parent::Upgrade {
                            base: node,
                            writer,
                            edge: index,
                        },
                        writer_depth.max(depth) + 1,
                    );
                }
            }
        }
        debug_assert!(s.visited.len() <= bound, "a search beyond its bound");
        let escalation = found.map(|(node, power)| Escalation {
            from: p,
            to: self.nodes[node].state,
            power,
            steps: self.path(node, &s.parents),
        });
        let mut reached: Vec<Reached> = s
            .principals
            .iter()
            .filter(|&&principal| principal != p)
            .map(|&principal| Reached {
                principal,
                hops: (s.by_principal[principal].iter())
                    .map(|&n| s.depth(n))
                    .min()
                    .unwrap_or(0),
            })
            .collect();
        reached.sort_by_key(|r| r.principal);
        s.reset();
        Some((escalation, reached))
    }

    /// Whether principal `p` is searched: one of the account's, prepared and not admin-like.
    pub(super) fn searched(&self, p: usize) -> bool {
        p < self.real
            && self.power(self.ids[&State::plain(p)]).is_none()
            && self.account.prepared(p).is_some()
    }

    /// The steps from the root to `node`, each once, in an order that can be carried out.
    pub(super) fn path(&self, node: usize, parents: &[Option<(Parent, usize)>]) -> Vec<Step> {
        let mut order: Vec<(usize, usize, State)> = Vec::new();
        self.collect(node, parents, &mut order);
        order
            .into_iter()
            .map(|(from, edge, to)| self.step(from, &self.edges(from)[edge], Some(to)))
            .collect()
    }

    pub(super) fn collect(
        &self,
        node: usize,
        parents: &[Option<(Parent, usize)>],
        order: &mut Vec<(usize, usize, State)>,
    ) {
        let to = self.nodes[node].state;
        let (first, second, last) = match parents[node].expect("a visited node").0 {
            Parent::Root => return,
            Parent::Edge { from, edge } => (from, None, (from, edge)),
            Parent::Upgrade { base, writer, edge } => (base, Some(writer), (writer, edge)),
        };
        self.collect(first, parents, order);
        if let Some(writer) = second {
            self.collect(writer, parents, order);
        }
        if !order.iter().any(|(f, e, _)| (*f, *e) == last) {
            order.push((last.0, last.1, to));
        }
    }
}
