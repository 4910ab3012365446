//! Insertions of lines that each list items under a key, such as new import statements
//! (`import { a, b } from "./m";`, keyed by the module). Two fixes that each add such lines at one
//! point need not wait a pass for each other: the later one's lines are merged into the earlier
//! one's the way the later fix would have written them had it been made after the first was in
//! place, so a project settles in one pass fewer and reads the same.

use std::collections::BTreeSet;

/// The lines one insertion adds, and the names they bind in their file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListedLines {
    pub lines: Vec<ListedLine>,
    /// Names the lines bind. Two insertions binding a name in common cannot both go in.
    pub binds: BTreeSet<String>,
}

/// One line: `head`, then its items separated by `, `, then `tail`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListedLine {
    /// What the line lists items of (a module): a later line with the same key adds its items to
    /// this one instead of being a line of its own.
    pub key: String,
    pub head: String,
    pub items: Vec<String>,
    pub tail: String,
}

impl ListedLines {
    pub fn text(&self) -> String {
        self.lines
            .iter()
            .map(|line| format!("{}{}{}", line.head, line.items.join(", "), line.tail))
            .collect()
    }

    /// Whether a later insertion's lines can go in with these: they bind no name in common.
    pub fn admits(&self, later: &ListedLines) -> bool {
        self.binds.is_disjoint(&later.binds)
    }

    /// Whether these lines already list every item of `other`'s, each in a line of the same key.
    pub fn holds(&self, other: &ListedLines) -> bool {
        other.lines.iter().all(|line| {
            line.items.iter().all(|item| {
                self.lines
                    .iter()
                    .any(|known| known.key == line.key && known.items.contains(item))
            })
        })
    }

    /// `later`'s lines as a fix makes them once these are in place: an item whose key a line of
    /// these has joins the first such line, where it sorts when that line's items are sorted and
    /// last otherwise; a line with a key of its own follows these lines.
    pub fn merge(&mut self, later: &ListedLines) {
        let known = self.lines.len();
        let mut joining: Vec<Vec<(usize, String)>> = vec![Vec::new(); known];
        for line in &later.lines {
            match self.lines[..known].iter().position(|earlier| earlier.key == line.key) {
                Some(target) => {
                    for item in &line.items {
                        let at = position_in_list(&self.lines[target].items, item);
                        joining[target].push((at, item.clone()));
                    }
                }
                None => self.lines.push(line.clone()),
            }
        }
        for (line, mut joined) in self.lines.iter_mut().zip(joining) {
            // Each position was found against the line as it was; items at one position keep
            // their order, so they go in from the last position back.
            joined.sort_by_key(|(at, _)| *at);
            for (at, item) in joined.into_iter().rev() {
                line.items.insert(at, item);
            }
        }
        self.binds.extend(later.binds.iter().cloned());
    }
}

/// Where `item` goes in a written list: where it sorts (ignoring case) when the list is sorted,
/// else last.
pub fn position_in_list(items: &[String], item: &str) -> usize {
    let keys: Vec<String> = items.iter().map(|item| item.to_lowercase()).collect();
    let new_key = item.to_lowercase();
    match keys.windows(2).all(|pair| pair[0] <= pair[1]) {
        true => keys.iter().filter(|known| **known < new_key).count(),
        false => keys.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(key: &str, items: &[&str]) -> ListedLine {
        ListedLine {
            key: key.to_owned(),
            head: "\nimport { ".to_owned(),
            items: items.iter().map(|item| item.to_string()).collect(),
            tail: format!(" }} from \"{key}\";"),
        }
    }

    fn lines(lines: Vec<ListedLine>, binds: &[&str]) -> ListedLines {
        ListedLines {
            lines,
            binds: binds.iter().map(|name| name.to_string()).collect(),
        }
    }

    #[test]
    fn a_later_line_of_a_known_key_joins_it_where_it_sorts_and_a_new_key_follows() {
        let mut earlier = lines(vec![line("./pay", &["payDlq"]), line("./ship", &["b", "a"])], &[]);
        let later = lines(
            vec![
                line("./pay", &["alpha"]),
                line("./audit", &["auditPolicy"]),
                line("./pay", &["zed"]),
                line("./ship", &["c"]),
            ],
            &["alpha"],
        );
        assert!(earlier.admits(&later));
        earlier.merge(&later);
        assert_eq!(
            earlier.text(),
            "\nimport { alpha, payDlq, zed } from \"./pay\";\nimport { b, a, c } from \"./ship\";\nimport { auditPolicy } from \"./audit\";"
        );
        assert!(earlier.binds.contains("alpha"));
    }

    #[test]
    fn insertions_binding_one_name_do_not_go_in_together() {
        let first = lines(vec![line("./a", &["policy"])], &["policy"]);
        let second = lines(vec![line("./b", &["policy"])], &["policy"]);
        assert!(!first.admits(&second));
    }

    #[test]
    fn merged_lines_still_hold_each_import_merged_into_them() {
        let mut merged = lines(vec![line("./finance", &["region"])], &["region"]);
        merged.merge(&lines(vec![line("./finance", &["account"])], &["account"]));
        assert!(merged.holds(&lines(vec![line("./finance", &["account"])], &["account"])));
        assert!(!merged.holds(&lines(vec![line("./operations", &["account"])], &["account"])));
    }

    #[test]
    fn items_sort_ignoring_case_only_in_a_sorted_list() {
        let sorted = vec!["Alpha".to_owned(), "gamma".to_owned()];
        assert_eq!(position_in_list(&sorted, "beta"), 1);
        let unsorted = vec!["gamma".to_owned(), "Alpha".to_owned()];
        assert_eq!(position_in_list(&unsorted, "beta"), 2);
    }
}
