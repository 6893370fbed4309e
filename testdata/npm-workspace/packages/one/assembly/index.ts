// ws-as-one: says which member of the npm workspace it is and how many
// arguments it got; the wasi-shim exports _start (the top level runs).
console.log("one: " + (process.argv.length - 1).toString() + " argument(s)");
