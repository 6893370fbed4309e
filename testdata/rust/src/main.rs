//! rust-hello: prints its arguments in reverse order, then $WHO (default
//! "nobody"); exits with the number of arguments.
use std::env;
use std::process;

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let reversed: Vec<&str> = args.iter().rev().map(|s| s.as_str()).collect();
    println!("reversed: {}", reversed.join(" "));
    let who = env::var("WHO").unwrap_or_else(|_| "nobody".to_string());
    println!("who: {}", who);
    process::exit(args.len() as i32);
}
