import "wasi";
import { Console, CommandLine } from "as-wasi";

// Prints its arguments in reverse order, one per line.
const args = new CommandLine().all();
for (let i = args.length - 1; i >= 1; i--) {
  Console.log("arg " + i.toString() + ": " + args[i]);
}
Console.log("args: " + (args.length - 1).toString());
