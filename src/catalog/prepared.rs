//! The embedded snapshot's header, services and global condition keys, as `build.rs` prepares
//! them from `std-lib/catalog/`: statics sorted as the catalog searches them, so that nothing is
//! parsed at run time. Names are ranges of one text (`TEXT`) and lists are runs of tables, so
//! the statics hold no pointers (see `types::Text`).

use super::types::{Run, Text};
use super::{
    AccessLevel, Action, ActionResource, ConditionKey, KeyScope, KeyType, ResourceType, Service,
    Snapshot,
};

/// The generated tables' shorthand for a name's place in `TEXT` ...
const fn t(start: u32, len: u32) -> Text {
    Text::at(start, len)
}

/// ... and for a run of rows of a table.
const fn r(start: u32, len: u32) -> Run {
    Run::at(start, len)
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
