// The hub's registries: an identity manager (only when ids are allocated
// locally) next to the storage of the objects, indexed by the id's index.
use crate::ids::{Epoch, Index, TypedId};
#[cfg(feature = "local")]
use parking_lot::Mutex;
use parking_lot::RwLock;
use vec_map::VecMap;

/// A simple structure to manage identities of objects.
pub struct IdentityManager<I: TypedId> {
    free: Vec<Index>,
    epochs: Vec<Epoch>,
    phantom: std::marker::PhantomData<I>,
}

impl<I: TypedId> IdentityManager<I> {
    pub fn alloc(&mut self) -> I {
        match self.free.pop() {
            Some(index) => I::new(index, self.epochs[index as usize]),
            None => {
                let id = I::new(self.epochs.len() as Index, 1);
                self.epochs.push(id.epoch());
                id
            }
        }
    }

    pub fn free(&mut self, id: I) {
        let (index, epoch) = (id.index(), id.epoch());
        let pe = &mut self.epochs[index as usize];
        assert_eq!(*pe, epoch);
        *pe += 1;
        self.free.push(index);
    }
}

pub struct Storage<T, I: TypedId> {
    map: VecMap<(T, Epoch)>,
    _phantom: std::marker::PhantomData<I>,
}

pub struct Registry<T, I: TypedId> {
    #[cfg(feature = "local")]
    identity: Mutex<IdentityManager<I>>,
    data: RwLock<Storage<T, I>>,
}

impl<T, I: TypedId + Copy> Registry<T, I> {
    pub fn register(&self, id: I, value: T) {
        let old = self
            .data
            .write()
            .map
            .insert(id.index() as usize, (value, id.epoch()));
        assert!(old.is_none());
    }

    #[cfg(feature = "local")]
    pub fn register_local(&self, value: T) -> I {
        let id = self.identity.lock().alloc();
        self.register(id, value);
        id
    }

    pub fn unregister(&self, id: I) -> T {
        #[cfg(feature = "local")]
        self.identity.lock().free(id);
        // the index is free again: a `register_local` on another thread can
        // take it and insert its object before this remove takes that out
        let (value, epoch) = self.data.write().map.remove(id.index() as usize).unwrap(); //~ PL002
        assert_eq!(epoch, id.epoch()); //~ PL002
        value
    }
}
