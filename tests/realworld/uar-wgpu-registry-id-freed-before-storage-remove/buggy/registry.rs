// A registry pairs the id allocator with the storage of one resource type.
// Invariant: the allocator may only hold ids whose storage slot is free.
use crate::identity::{Id, IdentityManager};
use crate::storage::Storage;
use parking_lot::RwLock;
use std::sync::Arc;

pub trait Resource {
    type Marker;
}

pub struct Registry<T: Resource> {
    identity: Arc<IdentityManager<T::Marker>>,
    storage: RwLock<Storage<T>>,
}

#[must_use]
pub struct FutureId<'a, T: Resource> {
    id: Id<T::Marker>,
    data: &'a RwLock<Storage<T>>,
}

impl<T: Resource> FutureId<'_, T> {
    /// Registers the resource under this id.
    pub fn assign(self, value: Arc<T>) -> (Id<T::Marker>, Arc<T>) {
        let mut data = self.data.write();
        data.insert(self.id, value.clone());
        (self.id, value)
    }
}

impl<T: Resource> Registry<T> {
    pub fn prepare(&self) -> FutureId<T> {
        FutureId {
            id: self.identity.process(),
            data: &self.storage,
        }
    }

    pub fn unregister(&self, id: Id<T::Marker>) -> Option<Arc<T>> {
        self.identity.free(id);
        // another thread can be handed `id` by `prepare` and `assign` its new
        // resource before this `remove`, which then takes the new one out
        let value = self.storage.write().remove(id); //~ PL002
        //Returning None is legal if it's an error ID
        value
    }
}
