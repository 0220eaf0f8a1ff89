//! The shortest path from a principal to an admin-like state, and what it reaches on the way:
//! a breadth-first search over the edges of `edges.rs`, writes counting once the path also
//! controls their target.
//!
//! In: a principal of the [`World`]. Out: its [`Escalation`], if any, and what it [`Reached`].

use super::*;

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
        let to = to.unwrap_or_else(|| match edge.target {
            Target::Node(n) => self.nodes[n].state,
            Target::Write { principal, lift } => State {
                granted: !lift,
                unbounded: lift,
                ..State::plain(principal)
            },
        });
        Step {
            from: self.nodes[from].state,
            to,
            kind: edge.kind,
            calls: edge.calls.clone(),
            trusted_by: edge.trusted_by.clone(),
        }
    }

    /// A breadth-first search from principal `p`: the first admin-like state it reaches (with
    /// the path) and every principal it reaches. `None` for an admin-like principal.
    pub(super) fn search(&self, p: usize) -> Option<(Option<Escalation>, Vec<Reached>)> {
        let root = self.ids[&State::plain(p)];
        if p >= self.real || self.power(root).is_some() || self.account.prepared(p).is_none() {
            return None;
        }
        let mut parents: HashMap<usize, (Parent, usize)> = HashMap::new();
        let mut by_principal: HashMap<usize, Vec<usize>> = HashMap::new();
        // Writes seen so far, per principal written: (writer node, edge index, lift).
        let mut writes: HashMap<usize, Vec<(usize, usize, bool)>> = HashMap::new();
        let mut queue = VecDeque::new();
        let mut found = None;
        let visit = |node: usize,
                     parent: Parent,
                     depth: usize,
                     parents: &mut HashMap<usize, (Parent, usize)>,
                     by_principal: &mut HashMap<usize, Vec<usize>>,
                     queue: &mut VecDeque<usize>| {
            if parents.contains_key(&node) {
                return false;
            }
            parents.insert(node, (parent, depth));
            by_principal
                .entry(self.nodes[node].state.principal)
                .or_default()
                .push(node);
            queue.push_back(node);
            true
        };
        visit(
            root,
            Parent::Root,
            0,
            &mut parents,
            &mut by_principal,
            &mut queue,
        );
        while let Some(node) = queue.pop_front() {
            let depth = parents[&node].1;
            if let Some(power) = self.power(node) {
                if found.is_none() {
                    found = Some((node, power));
                }
                continue;
            }
            let state = self.nodes[node].state;
            // Writes already seen on this principal apply to this new state of it.
            let mut pending: Vec<(usize, usize, bool)> = Vec::new();
            if state.group.is_none() {
                pending.extend(writes.get(&state.principal).into_iter().flatten().copied());
            }
            for (index, edge) in self.edges(node).iter().enumerate() {
                match edge.target {
                    Target::Node(next) => {
                        visit(
                            next,
                            Parent::Edge {
                                from: node,
                                edge: index,
                            },
                            depth + 1,
                            &mut parents,
                            &mut by_principal,
                            &mut queue,
                        );
                    }
                    Target::Write { principal, lift } => {
                        writes
                            .entry(principal)
                            .or_default()
                            .push((node, index, lift));
                        // Every state of the written principal seen so far gains it.
                        let seen: Vec<usize> =
                            by_principal.get(&principal).cloned().unwrap_or_default();
                        for base in seen {
                            let Some(next) = self.upgraded(self.nodes[base].state, lift) else {
                                continue;
                            };
                            let base_depth = parents[&base].1;
                            visit(
                                self.ids[&next],
                                Parent::Upgrade {
                                    base,
                                    writer: node,
                                    edge: index,
                                },
                                base_depth.max(depth) + 1,
                                &mut parents,
                                &mut by_principal,
                                &mut queue,
                            );
                        }
                    }
                }
            }
            for (writer, index, lift) in pending {
                if let Some(next) = self.upgraded(state, lift) {
                    let writer_depth = parents[&writer].1;
                    visit(
                        self.ids[&next],
                        Parent::Upgrade {
                            base: node,
                            writer,
                            edge: index,
                        },
                        writer_depth.max(depth) + 1,
                        &mut parents,
                        &mut by_principal,
                        &mut queue,
                    );
                }
            }
        }
        let escalation = found.map(|(node, power)| Escalation {
            from: p,
            to: self.nodes[node].state,
            power,
            steps: self.path(node, &parents),
        });
        let mut reached: Vec<Reached> = by_principal
            .iter()
            .filter(|(&principal, _)| principal != p)
            .map(|(&principal, nodes)| Reached {
                principal,
                hops: nodes.iter().map(|n| parents[n].1).min().unwrap_or(0),
            })
            .collect();
        reached.sort_by_key(|r| r.principal);
        Some((escalation, reached))
    }

    /// The steps from the root to `node`, each once, in an order that can be carried out.
    pub(super) fn path(&self, node: usize, parents: &HashMap<usize, (Parent, usize)>) -> Vec<Step> {
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
        parents: &HashMap<usize, (Parent, usize)>,
        order: &mut Vec<(usize, usize, State)>,
    ) {
        let to = self.nodes[node].state;
        let (first, second, last) = match parents[&node].0 {
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
