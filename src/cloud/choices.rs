//! Choices a program makes between resources: the arms of an `if`/`else` in TypeScript, a
//! `Condition` in CloudFormation, a conditional `count` in Terraform. Declarations in different arms
//! of one choice never exist together, so a total over the program (reserved concurrency) counts
//! the largest arm of each choice, not their sum.

/// One arm of a choice: a declaration in arm 0 of a choice never exists in the same deployment as
/// one in arm 1 of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Branch {
    /// The choice, by an id its front end gives it: (file, a key unique in that file).
    pub choice: (usize, usize),
    pub arm: usize,
}

/// The largest total of `weights` over declarations that can run in one pass, and the
/// declarations that make it: declarations in no common choice add up; at each choice, the arm
/// with the largest total counts (for a choice `toward` names, its arm there counts instead).
/// `paths[i]` are the branches of declaration `i`, outermost first.
pub fn heaviest_run(paths: &[&[Branch]], weights: &[i128], toward: &[Branch]) -> (i128, Vec<usize>) {
    let members: Vec<usize> = (0..paths.len().min(weights.len())).collect();
    heaviest_below(paths, weights, toward, &members, 0)
}

/// An arm of a choice and the members in it.
type Arm = (usize, Vec<usize>);

fn heaviest_below(
    paths: &[&[Branch]],
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

    #[test]
    fn the_heaviest_run_takes_the_largest_arm_of_each_choice() {
        let branch = |choice, arm| Branch {
            choice: (0, choice),
            arm,
        };
        let (first, second, third, fourth) = (
            [branch(1, 0)],
            [branch(1, 1), branch(2, 0)],
            [branch(1, 1), branch(2, 0)],
            [branch(1, 1), branch(2, 1)],
        );
        let paths: Vec<&[Branch]> = vec![&first, &second, &third, &fourth, &[]];
        let weights = [600, 300, 400, 50, 100];
        assert_eq!(heaviest_run(&paths, &weights, &[]), (800, vec![1, 2, 4]));
        assert_eq!(heaviest_run(&paths, &weights, paths[0]), (700, vec![0, 4]));
        assert_eq!(heaviest_run(&paths, &weights, paths[3]), (150, vec![3, 4]));
    }
}
