// A seeded fault-injecting reverse proxy for the tests: between wasmpack
// and the registry it drops connections, answers 500 and 503, and answers
// 429 with Retry-After, at random but reproducibly (the seed).  It never
// fails more than MAXRUN requests in a row, so a client with retries gets
// through.  Each decision is logged on stdout: "<action> <METHOD> <path>".
//
//   node fault-proxy.js PORTFILE TARGET_PORT SEED RATE [DELAY_MS] [MAXRUN]
// With CHUNK_MIN in the environment, upload sessions (POST answers) carry
// OCI-Chunk-Min-Length: CHUNK_MIN; with REFUSE_MONO=N, a blob PUT with a
// body over N bytes gets 413.  With LIE_DIGEST=1 a manifest PUT's answer
// carries a Docker-Content-Digest that is not the digest of what was sent.
'use strict';
const http = require('http');
const fs = require('fs');

const [portFile, target, seedArg, rateArg, delayArg, maxRunArg] = process.argv.slice(2);
const rate = Number(rateArg);
const delay = Number(delayArg || 0);
const maxRun = Number(maxRunArg || 2);
let seed = Number(seedArg) >>> 0;
let run = 0, n429 = 0;

function rand() { // mulberry32
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

function forward(req, res) {
  const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url,
    headers: req.headers }, (ur) => {
    const h = { ...ur.headers };
    // optional: announce a minimum chunk size on upload sessions
    if (process.env.CHUNK_MIN && req.method === 'POST') h['oci-chunk-min-length'] = process.env.CHUNK_MIN;
    if (process.env.LIE_DIGEST && req.method === 'PUT' && req.url.includes('/manifests/'))
      h['docker-content-digest'] = 'sha256:' + '0'.repeat(64);
    res.writeHead(ur.statusCode, h);
    ur.pipe(res);
  });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  let action = 'pass';
  if (rate > 0 && run < maxRun && rand() < rate) {
    const r = rand();
    action = r < 0.3 ? 'drop' : r < 0.55 ? '500' : r < 0.8 ? '503' : '429';
    if (action === '429' && n429 >= 2) action = '503'; // each 429 costs a real second
  }
  // optional: a registry that refuses big monolithic uploads (413)
  const mono = Number(process.env.REFUSE_MONO || 0);
  if (mono && req.method === 'PUT' && path.includes('/blobs/uploads/') &&
      Number(req.headers['content-length'] || 0) > mono) action = '413';
  run = action === 'pass' ? 0 : run + 1;
  console.log(`${action} ${req.method} ${path}`);
  const go = () => {
    if (action === 'pass') { forward(req, res); return; }
    if (action === 'drop') { req.socket.destroy(); return; }
    const headers = { 'Content-Type': 'application/json', Connection: 'close' };
    if (action === '413') req.resume();
    if (action === '429') { n429++; headers['Retry-After'] = '1'; }
    res.writeHead(Number(action), headers);
    res.end(JSON.stringify({ errors: [{ code: action === '429' ? 'TOOMANYREQUESTS' : 'UNAVAILABLE',
      message: 'injected fault' }] }));
  };
  if (delay) setTimeout(go, delay); else go();
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
