// Lists a syntax tree's visible nodes in document order by reading the tree's own child arrays.
//
// tree-sitter's public cursor rebuilds its child iterator from the parent on every sibling step,
// and walks down into hidden nodes one call at a time: over an infrastructure file, walking every
// node that way cost a third as much as parsing it, and reading one node's children cost more
// than the rule that asked. What is visible and where a node starts are tree-sitter's own rules
// (tree_cursor.c, `ts_tree_cursor_child_iterator_next`), kept here step for step: this file must
// be read again when the pinned tree-sitter version changes, and the tests compare its listings
// with the cursor's over every fixture.

#include <stddef.h>

#include "tree_sitter/api.h"
#include "array.h"
#include "language.h"
#include "length.h"
#include "subtree.h"
#include "tree.h"

// One node of a listing, with what a walk asks of every node: read here from the subtree, where
// each answer through tree-sitter's API would be a call of its own.
typedef struct {
  TSNode node;
  uint32_t depth;
  uint32_t end_byte;
  // The public kind id (`ts_node_symbol`).
  TSSymbol symbol;
  bool named;
  bool has_children;
} InfrafixVisit;

// The layout `tree_reading.rs` reads (`RawVisit`), which asserts it too.
_Static_assert(sizeof(InfrafixVisit) == 48, "InfrafixVisit is 48 bytes");
_Static_assert(offsetof(InfrafixVisit, depth) == 32, "depth at 32");
_Static_assert(offsetof(InfrafixVisit, end_byte) == 36, "end_byte at 36");
_Static_assert(offsetof(InfrafixVisit, symbol) == 40, "symbol at 40");
_Static_assert(offsetof(InfrafixVisit, named) == 42, "named at 42");
_Static_assert(offsetof(InfrafixVisit, has_children) == 43, "has_children at 43");

static InfrafixVisit visit_of(const TSLanguage *language, TSNode node, Subtree subtree, uint32_t depth) {
  TSSymbol alias = node.context[3];
  return (InfrafixVisit) {
    .node = node,
    .depth = depth,
    .end_byte = node.context[0] + ts_subtree_size(subtree).bytes,
    .symbol = ts_language_public_symbol(language, alias ? alias : ts_subtree_symbol(subtree)),
    .named = alias ? ts_language_symbol_metadata(language, alias).named : ts_subtree_named(subtree),
    .has_children = ts_subtree_visible_child_count(subtree) > 0,
  };
}

// The children of one node, in order, with where each starts.
typedef struct {
  const Subtree *children;
  uint32_t child_count;
  uint32_t next_child;
  // Extras (comments) take no place in the grammar's productions, so aliases skip them.
  uint32_t next_structural_child;
  const TSSymbol *aliases;
  Length next_position;
} Children;

// One child, as `next_child` steps to it.
typedef struct {
  const Subtree *subtree;
  Length position;
  TSSymbol alias;
} Child;

static Children children_of(const TSLanguage *language, Subtree parent, Length position) {
  if (ts_subtree_child_count(parent) == 0) return (Children) {0};
  return (Children) {
    .children = ts_subtree_children(parent),
    .child_count = parent.ptr->child_count,
    .next_child = 0,
    .next_structural_child = 0,
    .aliases = ts_language_alias_sequence(language, parent.ptr->production_id),
    .next_position = position,
  };
}

static bool next_child(Children *self, Child *child) {
  if (self->next_child == self->child_count) return false;
  const Subtree *subtree = &self->children[self->next_child];
  *child = (Child) {.subtree = subtree, .position = self->next_position};
  if (!ts_subtree_extra(*subtree)) {
    if (self->aliases) child->alias = self->aliases[self->next_structural_child];
    self->next_structural_child++;
  }
  self->next_child++;
  self->next_position = length_add(self->next_position, ts_subtree_size(*subtree));
  if (self->next_child < self->child_count) {
    self->next_position = length_add(self->next_position, ts_subtree_padding(self->children[self->next_child]));
  }
  return true;
}

static bool is_visible(const Child *child) {
  return ts_subtree_visible(*child->subtree) || child->alias;
}

static Length start_of(TSNode node) {
  return (Length) {node.context[0], {node.context[1], node.context[2]}};
}

static TSNode node_of(const TSTree *tree, const Child *child) {
  return ts_node_new(tree, child->subtree, child->position, child->alias);
}

typedef struct {
  Children children;
  uint32_t depth;
} PendingLevel;

typedef Array(PendingLevel) PendingStack;

static void push_level(PendingStack *pending, const TSLanguage *language, Subtree parent, Length position, uint32_t depth) {
  PendingLevel level = {children_of(language, parent, position), depth};
  array_push(pending, level);
}

// A listing under way: `root` and its visible descendants down to `max_depth` levels below it,
// parents before children. The descendants of nodes whose public symbol is `opaque_symbol` are
// left out (none when it is negative: every 16-bit symbol can be a node's). A walk holds one
// frame per level it is in, so a file's listing is read a part at a time, never held whole.
typedef struct {
  TSNode root;
  int32_t opaque_symbol;
  uint32_t max_depth;
  bool root_listed;
  PendingStack pending;
} InfrafixWalk;

static void walk_start(InfrafixWalk *walk, TSNode root, int32_t opaque_symbol, uint32_t max_depth) {
  *walk = (InfrafixWalk) {
    .root = root,
    .opaque_symbol = opaque_symbol,
    .max_depth = max_depth,
    .root_listed = false,
    .pending = array_new(),
  };
}

// Lists the walk's next visits into `out`, at most `capacity`, and returns how many: fewer than
// `capacity` only when the walk is over.
static size_t walk_next(InfrafixWalk *walk, InfrafixVisit *out, size_t capacity) {
  const TSTree *tree = walk->root.tree;
  const TSLanguage *language = tree->language;
  size_t listed = 0;
  if (capacity == 0) return 0;
  if (!walk->root_listed) {
    walk->root_listed = true;
    Subtree root_subtree = *(const Subtree *)walk->root.id;
    out[listed++] = visit_of(language, walk->root, root_subtree, 0);
    bool opaque = (int32_t)out[0].symbol == walk->opaque_symbol;
    if (ts_subtree_child_count(root_subtree) > 0 && !opaque && walk->max_depth > 0) {
      push_level(&walk->pending, language, root_subtree, start_of(walk->root), 1);
    }
  }
  while (listed < capacity && walk->pending.size > 0) {
    PendingLevel *level = array_back(&walk->pending);
    uint32_t depth = level->depth;
    Child child;
    if (!next_child(&level->children, &child)) {
      (void)array_pop(&walk->pending);
      continue;
    }
    // Hidden or not, a node with subtrees may have visible nodes below it.
    bool has_subtrees = ts_subtree_child_count(*child.subtree) > 0;
    if (is_visible(&child)) {
      InfrafixVisit *visit = &out[listed++];
      *visit = visit_of(language, node_of(tree, &child), *child.subtree, depth);
      bool opaque = (int32_t)visit->symbol == walk->opaque_symbol;
      if (has_subtrees && !opaque && depth < walk->max_depth) {
        push_level(&walk->pending, language, *child.subtree, child.position, depth + 1);
      }
    } else if (has_subtrees) {
      // A hidden node's children stand in its place, at its depth.
      push_level(&walk->pending, language, *child.subtree, child.position, depth);
    }
  }
  return listed;
}

InfrafixWalk *infrafix_walk_new(TSNode root, int32_t opaque_symbol, uint32_t max_depth) {
  InfrafixWalk *walk = ts_malloc(sizeof(InfrafixWalk));
  walk_start(walk, root, opaque_symbol, max_depth);
  return walk;
}

size_t infrafix_walk_next(InfrafixWalk *walk, InfrafixVisit *out, size_t capacity) {
  return walk_next(walk, out, capacity);
}

void infrafix_walk_delete(InfrafixWalk *walk) {
  array_delete(&walk->pending);
  ts_free(walk);
}

// The whole listing at once, for a short one (a node's children): at most `capacity` visits.
size_t infrafix_list(TSNode root, int32_t opaque_symbol, uint32_t max_depth, InfrafixVisit *out, size_t capacity) {
  InfrafixWalk walk;
  walk_start(&walk, root, opaque_symbol, max_depth);
  size_t listed = walk_next(&walk, out, capacity);
  array_delete(&walk.pending);
  return listed;
}
