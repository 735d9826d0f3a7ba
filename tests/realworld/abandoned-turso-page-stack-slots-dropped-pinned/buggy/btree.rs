// A btree cursor keeps the path from the root to the current page on a page
// stack; every page on the stack is pinned so that the parents stay in memory.
use crate::pager::PageRef;

const BTCURSOR_MAX_DEPTH: usize = 20;

#[derive(Default, Clone, Copy)]
struct BTreeNodeState {
    cell_idx: i32,
    cell_count: Option<i32>,
}

struct PageStack {
    current_page: i32,
    stack: [Option<PageRef>; BTCURSOR_MAX_DEPTH + 1],
    node_states: [BTreeNodeState; BTCURSOR_MAX_DEPTH + 1],
}

impl PageStack {
    fn push(&mut self, page: PageRef) {
        self.current_page += 1;
        let current = self.current_page as usize;
        assert!(current < BTCURSOR_MAX_DEPTH, "corrupted database");
        // Pin the page to prevent it from being evicted while on the stack
        page.pin();
        self.stack[current] = Some(page);
        self.node_states[current] = BTreeNodeState {
            cell_idx: -1,
            cell_count: None,
        };
    }

    fn pop(&mut self) {
        let current = self.current_page as usize;
        if let Some(page) = &self.stack[current] {
            page.unpin();
        }
        self.node_states[current] = BTreeNodeState::default();
        self.stack[current] = None;
        self.current_page -= 1;
    }

    /// Unpin and remove every page currently held in the stack.
    fn unpin_all_and_clear_slots(&mut self) {
        for slot in self.stack.iter_mut() {
            if let Some(page) = slot.take() {
                let _ = page.try_unpin();
            }
        }
        for state in self.node_states.iter_mut() {
            *state = BTreeNodeState::default();
        }
    }

    fn clear(&mut self) {
        self.unpin_all_and_clear_slots();
        self.current_page = -1;
    }
}

impl Drop for PageStack {
    fn drop(&mut self) {
        self.unpin_all_and_clear_slots();
    }
}

pub trait CursorTrait {
    fn rewind(&mut self, root: PageRef);
    /// Invalidate cached navigation state when another cursor on the same
    /// btree changed its structure.
    fn invalidate_btree_cache(&mut self) {}
}

pub struct BTreeCursor {
    stack: PageStack,
    has_record: bool,
    move_to_right_state: (u32, Option<i64>),
    count: Option<usize>,
}

impl BTreeCursor {
    fn invalidate_count_cache(&mut self) {
        self.count = None;
    }
}

impl CursorTrait for BTreeCursor {
    fn rewind(&mut self, root: PageRef) {
        self.stack.clear();
        self.stack.push(root);
    }

    /// Forget the page stack so the cursor re-descends from the root on its
    /// next access.
    fn invalidate_btree_cache(&mut self) {
        for slot in self.stack.stack.iter_mut() {
            *slot = None; //~ PL003
        }
        self.stack.current_page = -1;
        self.has_record = false;
        self.move_to_right_state.1 = None;
        self.invalidate_count_cache();
    }
}

/// A peer cursor's btree was modified: every other cursor on it must drop its
/// cached path.
pub fn invalidate_peers(peers: &mut [Box<dyn CursorTrait>]) {
    for peer in peers.iter_mut() {
        peer.invalidate_btree_cache();
    }
}
