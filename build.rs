//! The suite (specs/ and cases/) is embedded in the binary: rebuild when any file in
//! either folder changes, is added or is removed.

fn main() {
    println!("cargo:rerun-if-changed=specs");
    println!("cargo:rerun-if-changed=cases");
}
