//! What differs between the Wireshark releases the plugin is built for.
//!
//! Wireshark moved its API from GLib's `gboolean` (an `int`) to C99 `bool` in 4.2: the
//! preference variables and flags (`prefs_register_bool_preference`,
//! `prefs_register_enum_preference`) and the answers of `have_tap_listener` and
//! `proto_field_is_referenced`. `build.rs` sets `ws_c99_bool` from the pkg-config version
//! (tested on 4.4 and 4.6; 4.2 is covered by the same gate but untested). Nothing else the
//! plugin uses differs between 4.0, 4.4 and 4.6.

/// The type of a boolean preference variable and flag.
#[cfg(not(ws_c99_bool))]
pub type WsBool = std::ffi::c_int;
#[cfg(ws_c99_bool)]
pub type WsBool = bool;

#[cfg(not(ws_c99_bool))]
pub const TRUE: WsBool = 1;
#[cfg(not(ws_c99_bool))]
pub const FALSE: WsBool = 0;
#[cfg(ws_c99_bool)]
pub const TRUE: WsBool = true;
#[cfg(ws_c99_bool)]
pub const FALSE: WsBool = false;

/// A boolean answer of the API, whichever type this release gives it.
pub trait Truth {
    fn truth(self) -> bool;
}

impl Truth for std::ffi::c_int {
    fn truth(self) -> bool {
        self != 0
    }
}

impl Truth for bool {
    fn truth(self) -> bool {
        self
    }
}
