// wasi-hello: greets each argument, then says how many there were.
const args = process.argv.slice(1);
for (let i = 0; i < args.length; i++) {
  console.log("hello, " + args[i]);
}
console.log("greeted: " + args.length.toString());
