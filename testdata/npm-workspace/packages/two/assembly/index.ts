// ws-as-two: prints each argument upper-cased, one a line, then exits 0.
const words = process.argv.slice(1);
for (let i = 0; i < words.length; i++) {
  console.log(words[i].toUpperCase());
}
