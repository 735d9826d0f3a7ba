// Resources indexed by their id's index.
use crate::identity::Id;
use std::sync::Arc;

pub enum Element<T> {
    Vacant,
    Occupied(Arc<T>, u32),
    Error(u32, String),
}

pub struct Storage<T> {
    map: Vec<Element<T>>,
}

impl<T> Storage<T> {
    pub fn insert(&mut self, id: Id<T>, value: Arc<T>) {
        let (index, epoch) = id.unzip();
        let index = index as usize;
        if index >= self.map.len() {
            self.map.resize_with(index + 1, || Element::Vacant);
        }
        self.map[index] = Element::Occupied(value, epoch);
    }

    pub fn remove(&mut self, id: Id<T>) -> Option<Arc<T>> {
        let (index, epoch) = id.unzip();
        match std::mem::replace(&mut self.map[index as usize], Element::Vacant) {
            Element::Occupied(value, storage_epoch) => {
                assert_eq!(epoch, storage_epoch);
                Some(value)
            }
            Element::Error(..) => None,
            Element::Vacant => panic!("Cannot remove a vacant resource"),
        }
    }
}
