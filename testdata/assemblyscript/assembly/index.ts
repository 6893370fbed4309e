// as-hello: prints how many arguments it got and each one in brackets,
// then $WHO (default "nobody"); exits with the number of arguments.
// The wasi-shim exports _start itself: the program is the top level.
const args = process.argv.slice(1);
console.log("args: " + args.length.toString());
for (let i = 0; i < args.length; i++) {
  console.log("[" + args[i] + "]");
}
const env = process.env;
console.log("who: " + (env.has("WHO") ? env.get("WHO") : "nobody"));
process.exit(args.length);
