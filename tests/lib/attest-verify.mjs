// Independent verifiers for what wasmpack attaches, from npm (pinned,
// installed by `make deps` into .deps/attest; see scripts/deps.sh):
//   node attest-verify.mjs bundle BUNDLE.json ARTIFACT PUBLIC.pem
//     @sigstore/verify checks a sigstore bundle's message signature over
//     ARTIFACT with the public key as the only trust material (no
//     transparency log, no timestamps: keyed signing offline).
//   node attest-verify.mjs cyclonedx BOM.json
//     @cyclonedx/cyclonedx-library's strict JSON validator, CycloneDX 1.6.
// Prints "verified" / "valid" and exits 0, else the reason and exits 1.
import { createRequire } from 'node:module';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';

const require = createRequire(process.env.ATTEST_NODE_MODULES + '/');
const [mode, ...args] = process.argv.slice(2);

async function bundle(bundlePath, artifactPath, pubPath) {
	const { bundleFromJSON } = require('@sigstore/bundle');
	const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
	const json = JSON.parse(readFileSync(bundlePath, 'utf8'));
	const b = bundleFromJSON(json);
	const hint = json.verificationMaterial.publicKey.hint;
	const der = createPublicKey(readFileSync(pubPath)).export({ type: 'spki', format: 'der' });
	const root = { certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
	const trust = toTrustMaterial(root, { [hint]: { rawBytes: der } });
	const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
	verifier.verify(toSignedEntity(b, readFileSync(artifactPath)));
	console.log('verified');
}

async function cyclonedx(path) {
	const { Validation, Spec } = require('@cyclonedx/cyclonedx-library');
	const v = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
	const errors = await v.validate(readFileSync(path, 'utf8'));
	if (errors) {
		console.log(JSON.stringify(errors));
		process.exit(1);
	}
	console.log('valid');
}

try {
	if (mode === 'bundle') await bundle(...args);
	else if (mode === 'cyclonedx') await cyclonedx(...args);
	else throw new Error(`unknown mode ${mode}`);
} catch (e) {
	console.log(`${e.code || e.name}: ${e.message}`);
	process.exit(1);
}
