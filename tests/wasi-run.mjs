// Run a WASI preview1 command module under node's built-in WASI (an
// engine nobody on this project wrote), for comparing a module's stdout
// and exit status with the expected ones.
//   node tests/wasi-run.mjs MODULE [ARG...]
// The guest's environment is exactly the WASI_ENV variable: NAME=VALUE
// lines; WASI_DIRS preopens directories: GUEST=HOST lines.  The guest's exit status becomes node's.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
const env = {};
for (const line of (process.env.WASI_ENV || '').split('\n')) {
  const eq = line.indexOf('=');
  if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
}
const preopens = {};
for (const line of (process.env.WASI_DIRS || '').split('\n')) {
  const eq = line.indexOf('=');
  if (eq > 0) preopens[line.slice(0, eq)] = line.slice(eq + 1);
}
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env, preopens, returnOnExit: true });
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
