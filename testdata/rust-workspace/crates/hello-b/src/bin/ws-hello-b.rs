fn main() {
    println!("{}", greet::greeting("b"));
}
