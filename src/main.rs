fn main() {
    println!("clerk-tui {}", env!("CARGO_PKG_VERSION"));
}
