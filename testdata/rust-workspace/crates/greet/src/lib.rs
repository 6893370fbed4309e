/// The greeting both binaries print.
pub fn greeting(who: &str) -> String {
    format!("Hello, {who}, from a Cargo workspace!")
}
