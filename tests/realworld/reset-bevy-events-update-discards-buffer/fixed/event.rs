// Double-buffered events: events are written to the current buffer and kept
// for one more frame in the other, so readers that run before or after the
// writer see every event once.
use std::marker::PhantomData;

pub trait Component: Send + Sync + 'static {}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EventId<T> {
    pub id: usize,
    _marker: PhantomData<T>,
}

struct EventInstance<T> {
    pub event_id: EventId<T>,
    pub event: T,
}

enum State {
    A,
    B,
}

pub struct Events<T> {
    events_a: Vec<EventInstance<T>>,
    events_b: Vec<EventInstance<T>>,
    a_start_event_count: usize,
    b_start_event_count: usize,
    event_count: usize,
    state: State,
}

impl<T: Component> Events<T> {
    /// "Sends" an `event` by writing it to the current event buffer.
    pub fn send(&mut self, event: T) {
        let event_id = EventId {
            id: self.event_count,
            _marker: PhantomData,
        };
        let event_instance = EventInstance { event_id, event };
        match self.state {
            State::A => self.events_a.push(event_instance),
            State::B => self.events_b.push(event_instance),
        }
        self.event_count += 1;
    }

    /// Swaps the event buffers and clears the oldest event buffer. In general,
    /// this should be called once per frame/update.
    pub fn update(&mut self) {
        match self.state {
            State::A => {
                self.events_b.clear();
                self.state = State::B;
                self.b_start_event_count = self.event_count;
            }
            State::B => {
                self.events_a.clear();
                self.state = State::A;
                self.a_start_event_count = self.event_count;
            }
        }
    }

    /// Removes all events.
    pub fn clear(&mut self) {
        self.a_start_event_count = self.event_count;
        self.b_start_event_count = self.event_count;
        self.events_a.clear();
        self.events_b.clear();
    }
}
