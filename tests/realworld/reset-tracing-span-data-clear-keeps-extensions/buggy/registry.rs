// The registry: every span's data is a slot of a sharded-slab `Pool`. A new
// span initialises a cleared slot; closing the last reference clears it.
use crate::extensions::ExtensionsInner;
use sharded_slab::{Clear, Pool};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::RwLock;

pub struct Metadata {
    pub name: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Id(u64);

pub struct DataInner {
    metadata: Option<&'static Metadata>,
    parent: Option<Id>,
    ref_count: AtomicUsize,
    pub extensions: RwLock<ExtensionsInner>,
}

impl Default for DataInner {
    fn default() -> Self {
        DataInner {
            metadata: None,
            parent: None,
            ref_count: AtomicUsize::new(0),
            extensions: RwLock::new(ExtensionsInner::default()),
        }
    }
}

pub struct Registry {
    spans: Pool<DataInner>,
}

fn idx_to_id(idx: usize) -> Id {
    Id(idx as u64 + 1)
}

impl Registry {
    pub fn new_span(&self, metadata: &'static Metadata, parent: Option<Id>) -> Id {
        let id = self
            .spans
            .create(|data| {
                data.metadata = Some(metadata);
                data.parent = parent;
                let prev_refs = data.ref_count.swap(1, Ordering::AcqRel);
                assert_eq!(prev_refs, 0, "allocated span data must have ref count == 0");
            })
            .expect("Unable to allocate another span");
        idx_to_id(id)
    }

    pub fn close(&self, id: Id) {
        self.spans.clear(id.0 as usize - 1);
    }
}

fn try_close_parent(_parent: Id) {}

impl Clear for DataInner {
    // A span holds a reference to its parent, keeping the parent open until
    // all its children have closed: closing it releases that reference.
    fn clear(&mut self) { //~ PL007
        self.metadata.take();
        if let Some(parent) = self.parent.take() {
            try_close_parent(parent);
        }
        self.ref_count.store(0, Ordering::Release);
        // `extensions` is left as the closed span had it: the next span
        // created in this slot starts with the old span's extensions
    }
}
