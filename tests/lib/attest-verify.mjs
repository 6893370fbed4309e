// Independent verifiers for what wasmpack attaches, from npm (pinned,
// installed by `make deps` into .deps/attest; see scripts/deps.sh):
//   node attest-verify.mjs bundle BUNDLE.json ARTIFACT PUBLIC.pem
//     @sigstore/verify checks a sigstore bundle's message signature over
//     ARTIFACT with the public key as the only trust material (no
//     transparency log, no timestamps: keyed signing offline).
//   node attest-verify.mjs cyclonedx BOM.json
//     @cyclonedx/cyclonedx-library's strict JSON validator, CycloneDX 1.6.
//   node attest-verify.mjs spdx-schema SCHEMA.json DOC.json
//     ajv (draft-07, with ajv-formats) validates an SPDX document against
//     the SPDX 2.3 JSON schema (schemas/spdx-schema.json of the spdx-spec
//     repository's support/2.3 branch; no npm or Debian package ships it).
//   node attest-verify.mjs oci-attach HOST/REPO TAG FILE MEDIATYPE
//     @sigstore/oci: the image's digest by TAG (getImageDigest), then FILE
//     attached to it as an artifact of MEDIATYPE (attachArtifactToImage),
//     which on a registry without the referrers API reads the
//     "sha256-<hex>" tag index, adds its entry and writes it back.
//     Prints "<image digest> <artifact manifest digest>".  Credentials
//     from OCI_USERNAME / OCI_PASSWORD.
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

async function spdxSchema(schemaPath, docPath) {
	const Ajv = require('ajv').default;
	const addFormats = require('ajv-formats').default;
	const ajv = new Ajv({ allErrors: true, strict: false });
	addFormats(ajv);
	const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
	if (!validate(JSON.parse(readFileSync(docPath, 'utf8')))) {
		console.log(ajv.errorsText(validate.errors));
		process.exit(1);
	}
	console.log('valid');
}

async function ociAttach(imageName, tag, path, mediaType) {
	const { attachArtifactToImage, getImageDigest } = require('@sigstore/oci');
	const credentials = { username: process.env.OCI_USERNAME || '', password: process.env.OCI_PASSWORD || '' };
	const imageDigest = await getImageDigest({ imageName, imageTag: tag, credentials });
	const d = await attachArtifactToImage({ imageName, imageDigest, credentials, mediaType,
		artifact: readFileSync(path), annotations: { 'org.example.attached-by': '@sigstore/oci' } });
	console.log(`${imageDigest} ${d.digest}`);
}

try {
	if (mode === 'bundle') await bundle(...args);
	else if (mode === 'oci-attach') await ociAttach(...args);
	else if (mode === 'cyclonedx') await cyclonedx(...args);
	else if (mode === 'spdx-schema') await spdxSchema(...args);
	else throw new Error(`unknown mode ${mode}`);
} catch (e) {
	console.log(`${e.code || e.name}: ${e.message}${e.cause ? ` (${e.cause.message || e.cause})` : ""}`);
	process.exit(1);
}
