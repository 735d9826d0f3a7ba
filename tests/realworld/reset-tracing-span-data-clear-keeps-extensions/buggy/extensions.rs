// Per-span extensions: a type map that layers fill with their own data
// (formatted fields, timings, OpenTelemetry contexts, ...).
use std::any::{Any, TypeId};
use std::collections::HashMap;

type AnyMap = HashMap<TypeId, Box<dyn Any + Send + Sync>>;

#[derive(Default)]
pub struct ExtensionsInner {
    // only allocated once a layer inserts something
    map: Option<Box<AnyMap>>,
}

impl ExtensionsInner {
    pub fn insert<T: Send + Sync + 'static>(&mut self, val: T) -> Option<T> {
        self.map
            .get_or_insert_with(|| Box::new(HashMap::default()))
            .insert(TypeId::of::<T>(), Box::new(val))
            .and_then(|boxed| (boxed as Box<dyn Any>).downcast().ok().map(|b| *b))
    }

    pub fn get<T: 'static>(&self) -> Option<&T> {
        self.map
            .as_ref()
            .and_then(|map| map.get(&TypeId::of::<T>()))
            .and_then(|boxed| (&**boxed as &dyn Any).downcast_ref())
    }
}
