//! Each run of the code that makes a CDK stack, stage or resource, told apart where the `env` it
//! deploys to may differ between runs: one per element of a loop over a collection written out
//! (`for (const t of DEPLOY_TARGETS)`, `Object.entries(ENVIRONMENTS).forEach(…)`), and one per
//! call of the function or constructor around it (a Stage subclass constructed once per
//! environment, a helper `deployTo(name, account)` called once per account). Each run keeps what
//! its loops and calls bind, so an `env` read from them (`t.account`, `props?.env`, `account`) is
//! read for that run alone (see `environments`).

use std::rc::Rc;

use tree_sitter::Node;

use super::super::repetition::BodyRuns;
use super::super::{Located, Program};
use crate::cloud::DeployTarget;
use crate::syntax::{kind_of, Fields};

/// How many runs one expression is told apart into: past that, each run is not worth its cost
/// and the runs are left unknown (their reservations then count in every account and region).
const MAX_RUNS: usize = 1024;

/// The runs of a function or constructor, shared by everything it makes; `None` when unknown.
pub(in super::super) type RunsCalled<'tree> = Option<Rc<Vec<Run<'tree>>>>;

/// Some of the times an expression runs, all in one account and region and with one binding of
/// the loops and calls around it.
#[derive(Clone)]
pub(in super::super) struct Run<'tree> {
    pub target: DeployTarget,
    pub count: u64,
    pub frame: Frame<'tree>,
}

/// What the loops and calls around a run bind.
#[derive(Clone, Default)]
pub(in super::super) struct Frame<'tree> {
    /// The call running the function the code is in; `None` at the program's top, or for a
    /// function no call of the project names.
    pub call: Option<Rc<Call<'tree>>>,
    /// Each loop or element callback around the code, inside that function, over a collection
    /// written out, with the position of the element this run is at.
    pub elements: Vec<(Node<'tree>, usize)>,
}

/// One call of a function or constructor of the program, and the run it is made in.
pub(in super::super) struct Call<'tree> {
    /// The function (or constructor) called.
    pub function: Node<'tree>,
    pub site: Located<'tree>,
    pub caller: Frame<'tree>,
}

impl<'tree> Frame<'tree> {
    /// The position of the element a loop or element callback is at in this run.
    pub(in super::super) fn element_of(&self, binder: Node<'tree>) -> Option<usize> {
        self.elements
            .iter()
            .find(|(known, _)| *known == binder)
            .map(|(_, position)| *position)
    }
}

impl<'tree> Program<'tree> {
    /// The runs of an expression (`in_call` as for `times_run`), each in its account and region;
    /// `None` when how often it runs is unknown, or it runs more ways than `MAX_RUNS`.
    pub(super) fn runs(&self, expression: Located<'tree>, in_call: bool) -> Option<Vec<Run<'tree>>> {
        let (count, function, around) = match self.runs_in_body(expression, in_call, false)? {
            BodyRuns::Program(count) => (count, None, vec![Run::once()]),
            BodyRuns::Function {
                count,
                function,
                per_call: None,
            } => (count, Some(function.node), self.runs_called(function)?.as_ref().clone()),
            // A loop over what each call passes: its runs are not told apart by call.
            BodyRuns::Function { per_call: Some(_), .. } => return None,
        };
        let loops = self.loops_over_written_elements(expression, function);
        // The loops told apart by element are among those `count` multiplies.
        let told_apart = loops
            .iter()
            .try_fold(1u64, |product, (_, elements)| product.checked_mul(*elements as u64))?;
        if told_apart > MAX_RUNS as u64 {
            return None;
        }
        // A loop over an empty list makes nothing.
        let per_element = match count.checked_rem(told_apart) {
            None => return Some(Vec::new()),
            Some(0) => count / told_apart,
            Some(_) => return None,
        };
        let mut runs = Vec::new();
        for run in around {
            for positions in combinations(&loops) {
                if runs.len() >= MAX_RUNS {
                    return None;
                }
                let mut frame = run.frame.clone();
                frame.elements.extend(positions);
                runs.push(Run {
                    target: run.target.clone(),
                    count: run.count.checked_mul(per_element)?,
                    frame,
                });
            }
        }
        Some(runs)
    }

    /// The runs of a function or constructor: one per run of each call, in the `env` the call
    /// constructs a stack or stage with, if it does, over where the call runs.
    fn runs_called(&self, function: Located<'tree>) -> RunsCalled<'tree> {
        let key = (function.file, function.node.start_byte());
        if let Some(known) = self.memo.runs_called.borrow().get(&key) {
            return known.clone();
        }
        // Asked again while its calls are being followed: it calls itself.
        if !self.memo.counting_targets.borrow_mut().insert(key) {
            return None;
        }
        let runs = match self.call_sites(function) {
            Some(sites) if !sites.is_empty() => self
                .all_calls_seen(function, &sites)
                .then(|| self.runs_of_calls(function, &sites))
                .flatten(),
            _ => self
                .times_run_unnamed(function)
                .map(|count| vec![Run { count, ..Run::once() }]),
        }
        .map(Rc::new);
        self.memo.counting_targets.borrow_mut().remove(&key);
        self.memo.runs_called.borrow_mut().insert(key, runs.clone());
        runs
    }

    fn runs_of_calls(&self, function: Located<'tree>, sites: &[Located<'tree>]) -> Option<Vec<Run<'tree>>> {
        let mut runs = Vec::new();
        for &site in sites {
            for run in self.runs(site, true)? {
                if runs.len() >= MAX_RUNS {
                    return None;
                }
                let target = match self.constructed_env(site, &run.frame) {
                    Some((account, region)) => DeployTarget {
                        account: account.over(run.target.account),
                        region: region.over(run.target.region),
                        chosen_by: None,
                    },
                    None => run.target,
                };
                let call = Call {
                    function: function.node,
                    site,
                    caller: run.frame,
                };
                runs.push(Run {
                    target,
                    count: run.count,
                    frame: Frame {
                        call: Some(Rc::new(call)),
                        elements: Vec::new(),
                    },
                });
            }
        }
        Some(runs)
    }

    /// The loops and element callbacks around an expression, inside `function` (or the whole
    /// file), whose collections are written out, each with its number of elements.
    fn loops_over_written_elements(
        &self,
        expression: Located<'tree>,
        function: Option<Node<'tree>>,
    ) -> Vec<(Node<'tree>, usize)> {
        let mut loops = Vec::new();
        let mut child = expression.node;
        for parent in self.ancestors(expression) {
            if Some(parent) == function {
                break;
            }
            let here = expression.with(parent);
            let binder = match kind_of(parent) {
                "for_in_statement" => parent.field("body") == Some(child),
                "arrow_function" | "function_expression" => self.callback_iterations(here).is_some(),
                _ => false,
            };
            if let Some(elements) = binder.then(|| self.written_element_count(here)).flatten() {
                loops.push((parent, elements));
            }
            child = parent;
        }
        loops
    }
}

impl Run<'_> {
    /// One run at the program's top, where nothing names an account or region.
    fn once() -> Self {
        Run {
            target: DeployTarget::default(),
            count: 1,
            frame: Frame::default(),
        }
    }
}

/// Every way of picking one element of each loop: the loops' positions, one list per way.
fn combinations<'tree>(loops: &[(Node<'tree>, usize)]) -> Vec<Vec<(Node<'tree>, usize)>> {
    let mut ways = vec![Vec::new()];
    for &(binder, elements) in loops {
        ways = ways
            .into_iter()
            .flat_map(|way: Vec<(Node<'tree>, usize)>| {
                (0..elements).map(move |position| {
                    let mut way = way.clone();
                    way.push((binder, position));
                    way
                })
            })
            .collect();
    }
    ways
}
