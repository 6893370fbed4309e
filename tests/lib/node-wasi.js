// node-wasi.js - run a WASI preview1 module under node's built-in WASI
// (node:wasi), with the command line of `wasmpack run`, so the test suite
// can compare the two engines:
//   node node-wasi.js [--dir HOST[::GUEST]]... [--env NAME=VAL]... FILE.wasm [ARGS...]
// argv[0] is the module's basename; the environment is only what --env
// gives; the exit status is the guest's.
'use strict';
const fs = require('fs');
const path = require('path');
const { WASI } = require('node:wasi');

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length; i++) {
	const a = argv[i];
	if (a === '--dir') {
		const v = argv[++i];
		const sep = v.indexOf('::');
		if (sep >= 0) preopens[v.slice(sep + 2)] = v.slice(0, sep);
		else preopens[v] = v;
	} else if (a === '--env') {
		const v = argv[++i];
		const eq = v.indexOf('=');
		env[v.slice(0, eq)] = v.slice(eq + 1);
	} else if (a === '--') {
		continue;
	} else {
		break;
	}
}
const file = argv[i];
const args = [path.basename(file)].concat(argv.slice(i + 1).filter((a, k) => !(k === 0 && a === '--')));
const mod = new WebAssembly.Module(fs.readFileSync(file));
// a module of the old `wasi_unstable` names gets node's unstable flavour
const version = WebAssembly.Module.imports(mod).some((i) => i.module === 'wasi_unstable')
	? 'unstable' : 'preview1';
const wasi = new WASI({ version, args, env, preopens, returnOnExit: true });
const inst = new WebAssembly.Instance(mod, wasi.getImportObject());
let code;
try {
	code = wasi.start(inst);
} catch (e) {
	process.stderr.write('Error: ' + e.message + '\n');
	code = 134;
}
process.exitCode = code;
