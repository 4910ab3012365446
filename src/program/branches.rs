//! Which resource declarations exclude each other: the arms of an `if`/`else`, the cases of a
//! `switch` that end in `break` (or `return`, `throw`, `continue`), and the sides of a
//! conditional expression never run in the same pass through the code, so a total over the
//! program (reserved concurrency) counts the largest arm of each choice, not their sum.

use tree_sitter::Node;

use super::{named_children, Program};
use crate::syntax::ancestors;

/// One arm of a choice the program makes: a declaration in arm 0 of a choice never runs in the
/// same pass as one in arm 1 of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Branch {
    /// The `if`, `switch` or conditional expression, by (file, node id).
    pub choice: (usize, usize),
    pub arm: usize,
}

impl Program<'_> {
    /// The branches a resource declaration lies in, outermost first; empty when it runs whatever
    /// the program chooses.
    pub fn branches(&self, resource: usize) -> Vec<Branch> {
        let declaration = &self.resources()[resource];
        let file = declaration.file;
        let mut path = ancestors(self.root(file), declaration.expression);
        path.reverse();
        path.push(declaration.expression);
        // `path` runs from the root down to the declaration: each node with the child leading on.
        let mut branches = Vec::new();
        for pair in path.windows(2) {
            let [parent, child] = [pair[0], pair[1]];
            let arm = match parent.kind() {
                "if_statement" | "ternary_expression" => {
                    if parent.child_by_field_name("consequence") == Some(child) {
                        Some(0)
                    } else if parent.child_by_field_name("alternative") == Some(child) {
                        Some(1)
                    } else {
                        // The condition runs either way.
                        None
                    }
                }
                "switch_body" => case_group(parent, child),
                _ => None,
            };
            if let Some(arm) = arm {
                branches.push(Branch {
                    choice: (file, parent.id()),
                    arm,
                });
            }
        }
        branches
    }
}

/// The group of cases `case` belongs to: cases run together when one falls through into the
/// next, so only a case that ends by leaving the switch starts a new group. `None` for a node
/// that is not a case.
fn case_group(body: Node, case: Node) -> Option<usize> {
    if !matches!(case.kind(), "switch_case" | "switch_default") {
        return None;
    }
    let mut group = 0;
    for sibling in named_children(body) {
        if sibling == case {
            return Some(group);
        }
        if matches!(sibling.kind(), "switch_case" | "switch_default") && leaves_the_switch(sibling) {
            group += 1;
        }
    }
    None
}

/// Whether a case's statements end by leaving the switch. Anything else (an `if` whose arms both
/// return, a labelled block) is taken to fall through: the declarations then add up, which can
/// only overstate a total.
fn leaves_the_switch(case: Node) -> bool {
    let last = named_children(case)
        .filter(|child| child.kind() != "comment" && case.child_by_field_name("value") != Some(*child))
        .last();
    last.is_some_and(ends_in_a_jump)
}

fn ends_in_a_jump(statement: Node) -> bool {
    match statement.kind() {
        "break_statement" | "return_statement" | "throw_statement" | "continue_statement" => true,
        "statement_block" => named_children(statement)
            .filter(|child| child.kind() != "comment")
            .last()
            .is_some_and(ends_in_a_jump),
        _ => false,
    }
}

/// The largest total of `weights` over declarations that can run in one pass, and the
/// declarations that make it: declarations in no common choice add up; at each choice, the arm
/// with the largest total counts (for a choice `toward` names, its arm there counts instead).
/// `paths[i]` are the branches of declaration `i`, as [`Program::branches`] gives them.
pub fn heaviest_run(paths: &[Vec<Branch>], weights: &[i128], toward: &[Branch]) -> (i128, Vec<usize>) {
    let members: Vec<usize> = (0..paths.len().min(weights.len())).collect();
    heaviest_below(paths, weights, toward, &members, 0)
}

/// An arm of a choice and the members in it.
type Arm = (usize, Vec<usize>);

fn heaviest_below(
    paths: &[Vec<Branch>],
    weights: &[i128],
    toward: &[Branch],
    members: &[usize],
    depth: usize,
) -> (i128, Vec<usize>) {
    let mut total = 0;
    let mut run = Vec::new();
    // Per choice met at this depth, in order of appearance: its arms and their members.
    let mut choices: Vec<((usize, usize), Vec<Arm>)> = Vec::new();
    for &member in members {
        let Some(branch) = paths[member].get(depth) else {
            total += weights[member];
            run.push(member);
            continue;
        };
        let index = match choices.iter().position(|(choice, _)| *choice == branch.choice) {
            Some(index) => index,
            None => {
                choices.push((branch.choice, Vec::new()));
                choices.len() - 1
            }
        };
        let arms = &mut choices[index].1;
        match arms.iter_mut().find(|(arm, _)| *arm == branch.arm) {
            Some((_, in_arm)) => in_arm.push(member),
            None => arms.push((branch.arm, vec![member])),
        }
    }
    for (choice, arms) in choices {
        let forced = toward
            .iter()
            .find(|branch| branch.choice == choice)
            .map(|branch| branch.arm);
        let mut best: Option<(i128, Vec<usize>)> = None;
        for (arm, in_arm) in arms {
            if forced.is_some_and(|forced| forced != arm) {
                continue;
            }
            let candidate = heaviest_below(paths, weights, toward, &in_arm, depth + 1);
            if best.as_ref().is_none_or(|(heaviest, _)| candidate.0 > *heaviest) {
                best = Some(candidate);
            }
        }
        if let Some((heaviest, members)) = best {
            total += heaviest;
            run.extend(members);
        }
    }
    run.sort_unstable();
    (total, run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::test_support::with_program;

    /// The arms of each resource's branches, in declaration order.
    fn arms(text: &str) -> Vec<Vec<usize>> {
        let mut arms = Vec::new();
        with_program(&[("index.ts", text)], |program| {
            arms = (0..program.resources().len())
                .map(|resource| program.branches(resource).iter().map(|branch| branch.arm).collect())
                .collect();
        });
        arms
    }

    #[test]
    fn else_if_chains_nest() {
        let text = "import * as aws from \"@pulumi/aws\";\nif (a) { new aws.sqs.Queue(\"a\"); } else if (b) { new aws.sqs.Queue(\"b\"); } else { new aws.sqs.Queue(\"c\"); }\nnew aws.sqs.Queue(\"d\");\nconst e = a ? new aws.sqs.Queue(\"e\") : undefined;\n";
        assert_eq!(arms(text), vec![vec![0], vec![1, 0], vec![1, 1], vec![], vec![0]]);
    }

    #[test]
    fn switch_cases_that_fall_through_share_a_group() {
        let text = "import * as aws from \"@pulumi/aws\";\nswitch (stage) {\n    case \"a\": {\n        new aws.sqs.Queue(\"a\");\n        break;\n    }\n    case \"b\":\n        new aws.sqs.Queue(\"b\");\n        break; // done\n    case \"c\":\n        new aws.sqs.Queue(\"c\");\n    default:\n        new aws.sqs.Queue(\"d\");\n}\n";
        assert_eq!(arms(text), vec![vec![0], vec![1], vec![2], vec![2]]);
    }

    #[test]
    fn the_heaviest_run_takes_the_largest_arm_of_each_choice() {
        let branch = |choice, arm| Branch {
            choice: (0, choice),
            arm,
        };
        let paths = vec![
            vec![branch(1, 0)],
            vec![branch(1, 1), branch(2, 0)],
            vec![branch(1, 1), branch(2, 0)],
            vec![branch(1, 1), branch(2, 1)],
            vec![],
        ];
        let weights = [600, 300, 400, 50, 100];
        assert_eq!(heaviest_run(&paths, &weights, &[]), (800, vec![1, 2, 4]));
        assert_eq!(heaviest_run(&paths, &weights, &paths[0]), (700, vec![0, 4]));
        assert_eq!(heaviest_run(&paths, &weights, &paths[3]), (150, vec![3, 4]));
    }
}
