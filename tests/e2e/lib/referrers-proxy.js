// A test stand-in for a registry WITH the OCI 1.1 referrers API (none is
// packaged for bookworm): a reverse proxy in front of the real
// distribution registry that adds only what the API adds.  A manifest
// PUT whose body has a `subject` is forwarded, and when the registry
// stores it the answer carries `OCI-Subject: <subject digest>` and the
// manifest's descriptor is remembered; GET /v2/<name>/referrers/<digest>
// (with an optional ?artifactType= filter) answers the image index of
// what was remembered.  Everything else is passed through unchanged.
//
//   node referrers-proxy.js PORTFILE TARGET_PORT
// With NO_API=1 it adds nothing (a plain pass-through) except, with
// CAS=1, compare-and-swap the way a registry honouring If-Match would
// show it to a client racing another writer: the first manifest PUT with
// an If-Match header gets 412.  Every If-Match seen is logged on stdout.
// SINGLE_POST=1 adds the OCI distribution spec's single-request upload
// (POST .../blobs/uploads/?digest=D with the bytes: 201), which
// distribution 2.8 lacks, by doing POST + PUT upstream; each is logged as
// "single-post NAME D".  DELAY_MS=N holds every request N ms before it goes
// upstream: a network round trip, for bench/attest.sh to count them.
// REFUSE_TAG=T answers 400 to a manifest PUT by the tag T (an image push
// that fails after its attachments were prepared).
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const [portFile, target] = process.argv.slice(2);
const referrers = new Map(); // "<name>@<subject digest>" -> [descriptor]

function forward(req, res, body, onAnswer) {
  const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url,
    headers: req.headers }, (ur) => {
    const h = { ...ur.headers };
    if (onAnswer) onAnswer(ur.statusCode, h);
    res.writeHead(ur.statusCode, h);
    ur.pipe(res);
  });
  up.on('error', () => res.destroy());
  if (body) up.end(body); else req.pipe(up);
}

const noApi = process.env.NO_API === '1';
let refused = false;

// POST + PUT upstream for one single-request upload; answers like a
// registry that has the single POST.
function singlePost(req, res, name, digest) {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const up = http.request({ host: '127.0.0.1', port: target, method: 'POST',
      path: `/v2/${name}/blobs/uploads/`, headers: { authorization: req.headers.authorization || '' } }, (ur) => {
      ur.resume();
      if (ur.statusCode !== 202) { res.writeHead(ur.statusCode); res.end(); return; }
      const loc = new URL(ur.headers.location, `http://127.0.0.1:${target}`);
      loc.searchParams.set('digest', digest);
      const put = http.request({ host: '127.0.0.1', port: target, method: 'PUT', path: loc.pathname + loc.search,
        headers: { 'content-type': 'application/octet-stream', 'content-length': body.length } }, (pr) => {
        const h = { ...pr.headers };
        if (pr.statusCode === 201) console.log(`single-post ${name} ${digest}`);
        res.writeHead(pr.statusCode, h);
        pr.pipe(res);
      });
      put.on('error', () => res.destroy());
      put.end(body);
    });
    up.on('error', () => res.destroy());
    up.end();
  });
}

const delay = Number(process.env.DELAY_MS || 0);

const server = http.createServer((req, res) => {
  if (delay > 0) { req.pause(); setTimeout(() => { req.resume(); handle(req, res); }, delay); return; }
  handle(req, res);
});

function handle(req, res) {
  const url = new URL(req.url, 'http://x');
  const ref = url.pathname.match(/^\/v2\/(.+)\/referrers\/(sha256:[0-9a-f]{64})$/);
  if (req.headers['if-match']) console.log(`if-match ${req.method} ${url.pathname} ${req.headers['if-match']}`);
  if (process.env.CAS === '1' && req.method === 'PUT' && req.headers['if-match'] && !refused) {
    refused = true;
    req.resume();
    res.writeHead(412, { 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":"PRECONDITION_FAILED","message":"changed"}]}');
    return;
  }
  if (process.env.REFUSE_TAG && req.method === 'PUT' && url.pathname.endsWith(`/manifests/${process.env.REFUSE_TAG}`)) {
    req.resume();
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end('{"errors":[{"code":"MANIFEST_INVALID","message":"refused by the test"}]}');
    return;
  }
  const single = url.pathname.match(/^\/v2\/(.+)\/blobs\/uploads\/$/);
  if (process.env.SINGLE_POST === '1' && req.method === 'POST' && single && url.searchParams.get('digest') &&
      Number(req.headers['content-length'] || 0) > 0) {
    return singlePost(req, res, single[1], url.searchParams.get('digest'));
  }
  if (noApi) return forward(req, res);
  if (req.method === 'GET' && ref) {
    const want = url.searchParams.get('artifactType');
    const list = (referrers.get(`${ref[1]}@${ref[2]}`) || []).filter((d) => !want || d.artifactType === want);
    const body = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: list });
    res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.index.v1+json' });
    res.end(body);
    return;
  }
  const man = url.pathname.match(/^\/v2\/(.+)\/manifests\/[^/]+$/);
  if (req.method !== 'PUT' || !man) return forward(req, res);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let doc = null;
    try { doc = JSON.parse(body); } catch (e) { /* not ours to judge */ }
    forward(req, res, body, (status, h) => {
      if (status !== 201 || !doc || !doc.subject || !doc.subject.digest) return;
      const key = `${man[1]}@${doc.subject.digest}`;
      const digest = 'sha256:' + crypto.createHash('sha256').update(body).digest('hex');
      const d = { mediaType: doc.mediaType, digest, size: body.length,
        artifactType: doc.artifactType || (doc.config && doc.config.mediaType) };
      if (doc.annotations) d.annotations = doc.annotations;
      const list = (referrers.get(key) || []).filter((x) => x.digest !== digest);
      referrers.set(key, [...list, d]);
      h['oci-subject'] = doc.subject.digest;
    });
  });
}
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
