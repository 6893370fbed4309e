fn main() {
    println!("{}", greet::greeting("a"));
}
