// A reverse proxy that plays a registry whose blobs live on a CDN: a blob
// GET is answered 307 to another origin (localhost instead of 127.0.0.1,
// same port, path /cdn/...?sig=...), which serves the blob by fetching it
// from the registry with the Authorization the first request carried.
// Logs "cdn auth=present|absent <path>" so a test can prove the client
// did not send the registry's credentials to the other host.
//
//   node redirect-proxy.js PORTFILE TARGET_PORT
'use strict';
const http = require('http');
const fs = require('fs');

const [portFile, target] = process.argv.slice(2);
const saved = new Map();
let port = 0;

function forward(req, res, path, headers) {
  const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path, headers },
    (ur) => { res.writeHead(ur.statusCode, ur.headers); ur.pipe(res); });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname.startsWith('/cdn/')) {
    const path = url.pathname.slice(4);
    console.log(`cdn auth=${req.headers.authorization ? 'present' : 'absent'} ${path}`);
    const headers = { host: `127.0.0.1:${target}` };
    if (saved.has(path)) headers.authorization = saved.get(path);
    forward(req, res, path, headers);
    return;
  }
  if (req.method === 'GET' && /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/.test(url.pathname)) {
    if (req.headers.authorization) saved.set(url.pathname, req.headers.authorization);
    res.writeHead(307, { Location: `http://localhost:${port}/cdn${url.pathname}?sig=cdn-signature` });
    res.end();
    return;
  }
  forward(req, res, req.url, req.headers);
});
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  fs.writeFileSync(portFile, String(port));
});
