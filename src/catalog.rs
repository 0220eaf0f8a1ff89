//! The embedded AWS action catalog (being written).
