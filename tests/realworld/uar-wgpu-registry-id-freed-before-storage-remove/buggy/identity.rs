// The id allocator: freed indices are reused (with a bumped epoch) before
// new ones are handed out, so a freed id's index names the next resource.
use parking_lot::Mutex;
use std::marker::PhantomData;

pub type Index = u32;
pub type Epoch = u32;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Id<T> {
    index: Index,
    epoch: Epoch,
    _marker: PhantomData<T>,
}

impl<T> Id<T> {
    pub fn zip(index: Index, epoch: Epoch) -> Self {
        Id {
            index,
            epoch,
            _marker: PhantomData,
        }
    }

    pub fn unzip(self) -> (Index, Epoch) {
        (self.index, self.epoch)
    }
}

struct IdentityValues {
    free: Vec<(Index, Epoch)>,
    next_index: Index,
    count: usize,
}

impl IdentityValues {
    fn alloc<T>(&mut self) -> Id<T> {
        self.count += 1;
        match self.free.pop() {
            Some((index, epoch)) => Id::zip(index, epoch + 1),
            None => {
                let index = self.next_index;
                self.next_index += 1;
                Id::zip(index, 1)
            }
        }
    }

    fn release<T>(&mut self, id: Id<T>) {
        let (index, epoch) = id.unzip();
        self.free.push((index, epoch));
        self.count -= 1;
    }
}

pub struct IdentityManager<T> {
    values: Mutex<IdentityValues>,
    _phantom: PhantomData<T>,
}

impl<T> IdentityManager<T> {
    pub fn process(&self) -> Id<T> {
        self.values.lock().alloc()
    }

    pub fn free(&self, id: Id<T>) {
        self.values.lock().release(id)
    }
}
