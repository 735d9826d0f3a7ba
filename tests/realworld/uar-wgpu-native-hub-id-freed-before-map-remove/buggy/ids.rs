// Typed ids: every object kind has its own id type.
pub type Index = u32;
pub type Epoch = u32;

pub trait TypedId {
    fn new(index: Index, epoch: Epoch) -> Self;
    fn index(&self) -> Index;
    fn epoch(&self) -> Epoch;
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BufferId(Index, Epoch);

impl TypedId for BufferId {
    fn new(index: Index, epoch: Epoch) -> Self {
        BufferId(index, epoch)
    }
    fn index(&self) -> Index {
        self.0
    }
    fn epoch(&self) -> Epoch {
        self.1
    }
}
