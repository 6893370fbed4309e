// A reverse proxy that plays a registry whose blobs live on a CDN: a blob
// GET is answered 307 to another origin (localhost instead of 127.0.0.1,
// same port, path /cdn/...?sig=...), which serves the blob by fetching it
// from the registry with the Authorization the first request carried.
// Logs "cdn auth=present|absent <path>" so a test can prove the client
// did not send the registry's credentials to the other host.  With
// TAMPER=1 in the environment the CDN flips a bit of every blob.
//
//   node redirect-proxy.js PORTFILE TARGET_PORT
'use strict';
const http = require('http');
const fs = require('fs');

const [portFile, target] = process.argv.slice(2);
const saved = new Map();
let port = 0;

function forward(req, res, path, headers, tamper) {
  const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path, headers },
    (ur) => {
      // every answer carries a registry warning (shown once by the client)
      res.writeHead(ur.statusCode, { ...ur.headers, warning: '299 - "this registry is going away"' });
      if (!tamper) { ur.pipe(res); return; }
      const parts = [];
      ur.on('data', (d) => parts.push(d));
      ur.on('end', () => { const b = Buffer.concat(parts); if (b.length) b[b.length - 1] ^= 1; res.end(b); });
    });
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
    forward(req, res, path, headers, process.env.TAMPER === '1');
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
