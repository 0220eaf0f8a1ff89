//! The reasoning engine (being written).
