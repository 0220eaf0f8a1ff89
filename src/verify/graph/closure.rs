//! How many nodes each principal's search can visit at most, so that a search stops expanding
//! once it has visited them all: in a dense account (every user may create access keys for
//! every other) the search from each principal reaches everything after its first node, and
//! scanning the edges of every other node to find nothing new made the searches cost
//! (principals)³.
//!
//! In: the [`World`] and the principals that are searched. Out: per principal, the number of
//! nodes reachable from its plain state in an over-approximation of the search (`usize::MAX`
//! when not searched). The over-approximation: a node's edges to nodes, and a write on a
//! principal upgrades every state of it the closure holds (the search needs the writer and the
//! state in the same search; here any writer anywhere will do). A search visits a subset of its
//! bound's nodes, so once it has visited as many, expanding the rest of its queue can find
//! nothing: it only has to pop them for the first admin-like one (see `search.rs`).
//!
//! The nodes are found level by level from the searched principals, each level's edges computed
//! on all cores; the bound is the size of the node's closure in the condensation of their
//! strongly connected components (Tarjan's, iterative): a bitset per component when there are
//! few, otherwise a walk per principal over the condensation's deduplicated edges.

use super::*;

/// Upgrades a write leads to: bit 0 a written policy, bit 1 a lifted boundary.
const GRANT: u8 = 1;
const LIFT: u8 = 2;

/// Components up to which the closures are bitsets (16,384² bits: 32 MiB).
const BITSET_COMPONENTS: usize = 16_384;

impl<'a> World<'a> {
    /// The bound of each principal's search (see the module docs); `roots[p]` says whether `p`
    /// is searched.
    pub(super) fn closure_bounds(&self, roots: &[bool]) -> Vec<usize> {
        let n = self.nodes.len();
        let mut seen = vec![false; n];
        let mut writes_on = vec![0u8; self.principals.len()];
        let mut order: Vec<usize> = Vec::new();
        let mut frontier: Vec<usize> = Vec::new();
        for (p, &searched) in roots.iter().enumerate() {
            if searched {
                let id = self.ids[&State::plain(p)];
                seen[id] = true;
                frontier.push(id);
            }
        }
        let bases = |principal: usize| {
            [(false, false), (true, false), (false, true), (true, true)].map(
                |(granted, unbounded)| {
                    self.ids[&State {
                        principal,
                        granted,
                        unbounded,
                        group: None,
                    }]
                },
            )
        };
        while !frontier.is_empty() {
            crate::parallel::map(&frontier, |&id| {
                self.edges(id);
            });
            let mut next = Vec::new();
            let add = |id: usize, seen: &mut Vec<bool>, next: &mut Vec<usize>| {
                if !seen[id] {
                    seen[id] = true;
                    next.push(id);
                }
            };
            for &v in &frontier {
                order.push(v);
                for edge in self.edges(v) {
                    match edge.target {
                        Target::Node(t) => add(t, &mut seen, &mut next),
                        Target::Write { principal, lift } => {
                            let bit = if lift { LIFT } else { GRANT };
                            if writes_on[principal] & bit != 0 {
                                continue;
                            }
                            writes_on[principal] |= bit;
                            for base in bases(principal) {
                                if !seen[base] {
                                    continue;
                                }
                                if let Some(up) = self.upgraded(self.nodes[base].state, lift) {
                                    add(self.ids[&up], &mut seen, &mut next);
                                }
                            }
                        }
                    }
                }
                for up in self.upgrades(v, &writes_on) {
                    add(up, &mut seen, &mut next);
                }
            }
            frontier = next;
        }
        let (component, components) = self.components(&order, &writes_on);
        let count = self.closure_sizes(&order, &writes_on, &component, components, roots);
        (0..roots.len())
            .map(|p| match roots[p] {
                true => count[component[self.ids[&State::plain(p)]] as usize],
                false => usize::MAX,
            })
            .collect()
    }

    /// The states a write on node `v`'s principal leads to from `v` (`writes_on` its kinds).
    fn upgrades(&self, v: usize, writes_on: &[u8]) -> impl Iterator<Item = usize> + '_ {
        let state = self.nodes[v].state;
        let bits = writes_on[state.principal];
        [(GRANT, false), (LIFT, true)]
            .into_iter()
            .filter(move |(bit, _)| bits & bit != 0)
            .filter_map(move |(_, lift)| self.upgraded(state, lift))
            .map(|up| self.ids[&up])
    }

    /// The successors of `v` in the over-approximation, `out` cleared first.
    fn successors(&self, v: usize, writes_on: &[u8], out: &mut Vec<usize>) {
        out.clear();
        out.extend(self.edges(v).iter().filter_map(|edge| match edge.target {
            Target::Node(t) => Some(t),
            Target::Write { .. } => None,
        }));
        out.extend(self.upgrades(v, writes_on));
    }

    /// Successor number `at` of `v` in the over-approximation (`None` inside: a write, which
    /// is not one), or `None` past the last: its edges' targets, then its upgrades.
    fn successor_at(&self, v: usize, at: usize, writes_on: &[u8]) -> Option<Option<usize>> {
        let edges = self.edges(v);
        if let Some(edge) = edges.get(at) {
            return Some(match edge.target {
                Target::Node(t) => Some(t),
                Target::Write { .. } => None,
            });
        }
        let (bit, lift) = *[(GRANT, false), (LIFT, true)].get(at - edges.len())?;
        let state = self.nodes[v].state;
        Some(
            (writes_on[state.principal] & bit != 0)
                .then(|| self.upgraded(state, lift))
                .flatten()
                .map(|up| self.ids[&up]),
        )
    }

    /// Tarjan's strongly connected components of the nodes `order`, iteratively: each node's
    /// component, numbered in the order they complete (a component's successors have smaller
    /// numbers), and how many there are.
    fn components(&self, order: &[usize], writes_on: &[u8]) -> (Vec<u32>, usize) {
        let n = self.nodes.len();
        let mut t = Tarjan {
            index: vec![NONE; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            component: vec![NONE; n],
            stack: Vec::new(),
            next_index: 0,
            components: 0,
            frames: Vec::new(),
        };
        for &root in order {
            if t.index[root] != NONE {
                continue;
            }
            t.open(root);
            while let Some((v, at)) = t.frames.last_mut() {
                let v = *v;
                if let Some(next) = self.successor_at(v, *at, writes_on) {
                    *at += 1;
                    let Some(w) = next else { continue };
                    if t.index[w] == NONE {
                        t.open(w);
                    } else if t.on_stack[w] {
                        t.low[v] = t.low[v].min(t.index[w]);
                    }
                    continue;
                }
                t.close(v);
            }
        }
        (t.component, t.components)
    }

    /// The number of nodes each component's closure holds, for the components of searched
    /// principals (others: 0).
    fn closure_sizes(
        &self,
        order: &[usize],
        writes_on: &[u8],
        component: &[u32],
        components: usize,
        roots: &[bool],
    ) -> Vec<usize> {
        // The members of each component, then its successors in the condensation, each once.
        let mut size = vec![0usize; components];
        for &v in order {
            size[component[v] as usize] += 1;
        }
        let mut start = vec![0usize; components + 1];
        for c in 0..components {
            start[c + 1] = start[c] + size[c];
        }
        let mut members = vec![0usize; order.len()];
        let mut fill = start.clone();
        for &v in order {
            let c = component[v] as usize;
            members[fill[c]] = v;
            fill[c] += 1;
        }
        let mut succ_start = vec![0usize; components + 1];
        let mut succ: Vec<u32> = Vec::new();
        let mut stamp = vec![u32::MAX; components];
        let mut list = Vec::new();
        for c in 0..components {
            for &v in &members[start[c]..start[c + 1]] {
                self.successors(v, writes_on, &mut list);
                for &w in &list {
                    let d = component[w];
                    if d as usize != c && stamp[d as usize] != c as u32 {
                        stamp[d as usize] = c as u32;
                        succ.push(d);
                    }
                }
            }
            succ_start[c + 1] = succ.len();
        }
        let successors = |c: usize| &succ[succ_start[c]..succ_start[c + 1]];
        let mut count = vec![0usize; components];
        let mut wanted: Vec<usize> = (0..roots.len())
            .filter(|&p| roots[p])
            .map(|p| component[self.ids[&State::plain(p)]] as usize)
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        if components <= BITSET_COMPONENTS {
            // Successors complete first: their closures are known when a component's is made.
            let words = components.div_ceil(64);
            let mut bits = vec![0u64; components * words];
            for c in 0..components {
                let (done, rest) = bits.split_at_mut(c * words);
                let own = &mut rest[..words];
                own[c / 64] |= 1 << (c % 64);
                for &d in successors(c) {
                    let d = d as usize;
                    for (o, s) in own.iter_mut().zip(&done[d * words..(d + 1) * words]) {
                        *o |= s;
                    }
                }
            }
            for c in wanted {
                let own = &bits[c * words..(c + 1) * words];
                for (w, &word) in own.iter().enumerate() {
                    let mut word = word;
                    while word != 0 {
                        count[c] += size[w * 64 + word.trailing_zeros() as usize];
                        word &= word - 1;
                    }
                }
            }
            return count;
        }
        // One walk per component (each once: a mark is the component walked from).
        let counted = crate::parallel::map_with(
            &wanted,
            || (vec![usize::MAX; components], Vec::new()),
            |(mark, stack): &mut (Vec<usize>, Vec<usize>), &c| {
                let mut total = 0;
                mark[c] = c;
                stack.push(c);
                while let Some(d) = stack.pop() {
                    total += size[d];
                    for &e in successors(d) {
                        if mark[e as usize] != c {
                            mark[e as usize] = c;
                            stack.push(e as usize);
                        }
                    }
                }
                total
            },
        );
        for (c, total) in wanted.into_iter().zip(counted) {
            count[c] = total;
        }
        count
    }
}

const NONE: u32 = u32::MAX;

/// The state of Tarjan's algorithm, iterative: a frame per node open, with how many of its
/// successors ([`World::successor_at`]) were looked at.
struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    component: Vec<u32>,
    stack: Vec<usize>,
    next_index: u32,
    components: usize,
    frames: Vec<(usize, usize)>,
}

impl Tarjan {
    fn open(&mut self, v: usize) {
        self.index[v] = self.next_index;
        self.low[v] = self.next_index;
        self.next_index += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        self.frames.push((v, 0));
    }

    /// Closes the frame of `v`, the last one: its component is complete when it is its root.
    fn close(&mut self, v: usize) {
        self.frames.pop();
        if let Some(&(parent, _)) = self.frames.last() {
            self.low[parent] = self.low[parent].min(self.low[v]);
        }
        if self.low[v] == self.index[v] {
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                self.component[w] = self.components as u32;
                if w == v {
                    break;
                }
            }
            self.components += 1;
        }
    }
}
