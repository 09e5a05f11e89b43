//! Fault injection: which GET requests fail, and how.
//!
//! The choice depends only on the seed and the request's number among the GET requests that
//! may fail, so a run with the same seed and the same request order fails the same way.

use super::data::mix;

/// A way a request fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 with an HTML page, as a gateway or a crashed worker sends it.
    ServerError,
    /// 503 with an empty body.
    Unavailable,
    /// 429 with `Retry-After: 1`.
    TooManyRetryAfter,
    /// 429 without `Retry-After`, code 429000 in the body.
    TooMany,
    /// The connection is closed with no response at all.
    Hangup,
}

/// The faults, in equal shares.
const KINDS: [Fault; 5] = [
    Fault::ServerError,
    Fault::Unavailable,
    Fault::TooManyRetryAfter,
    Fault::TooMany,
    Fault::Hangup,
];

/// The fault for request number `counter`, if it is one of the `rate` share that fail.
pub fn pick(seed: u64, counter: u64, rate: f64) -> Option<Fault> {
    if rate <= 0.0 {
        return None;
    }
    let roll = mix(mix(seed) ^ counter.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let chance = (roll >> 11) as f64 / (1u64 << 53) as f64;
    if chance >= rate {
        return None;
    }
    let kind = mix(roll) % KINDS.len() as u64;
    Some(KINDS[kind as usize])
}

/// The HTML page of a 500 fault.
pub const ERROR_PAGE: &str = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title>\
    </head><body><h1>Internal Server Error</h1><p>The server encountered an unexpected \
    condition that prevented it from fulfilling the request.</p></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_counter_give_the_same_fault() {
        let run = |seed| (0..500).map(|n| pick(seed, n, 0.2)).collect::<Vec<_>>();
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
    }

    #[test]
    fn the_rate_is_the_share_of_faults_and_every_kind_occurs() {
        let faults: Vec<Fault> = (0..20_000).filter_map(|n| pick(42, n, 0.2)).collect();
        let share = faults.len() as f64 / 20_000.0;
        assert!((0.18..0.22).contains(&share), "{share}");
        for kind in KINDS {
            let count = faults.iter().filter(|f| **f == kind).count();
            assert!(count > faults.len() / 7, "{kind:?}: {count}");
        }
    }

    #[test]
    fn zero_never_fails_and_one_always_does() {
        assert!((0..1000).all(|n| pick(1, n, 0.0).is_none()));
        assert!((0..1000).all(|n| pick(1, n, 1.0).is_some()));
    }
}
