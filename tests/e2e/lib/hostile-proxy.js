// A hostile registry for the tests: a reverse proxy in front of the real
// registry that plays the attacks of issue 11.  Requests whose Host is
// 127.0.0.1:PORT are the registry's own origin; localhost:PORT (same
// port) is "another origin" (a CDN, an object store, an attacker).
//
//   node hostile-proxy.js PORTFILE TARGET_PORT
//
// Environment:
//   BASIC=user:pass  the registry origin demands these Basic credentials
//                    (401 Basic otherwise); the real registry behind has none
//   MODES=a,b        cdn401: blob GETs go 307 to the other origin, which
//                      answers 401 with a Bearer realm of its own (/evil/token)
//                    offsite: upload Locations name the other origin
//                    stuck-range: PATCH answers say Range: 0-0, every time
//                    warn-escape: the /v2/ ping carries a Warning header
//                      holding terminal escape sequences
// Each request is logged on stdout: "<registry|other> auth=<present|absent>
// <METHOD> <path>", with " injected" when it carried an X-Injected header.
'use strict';
const http = require('http');
const fs = require('fs');

const [portFile, target] = process.argv.slice(2);
const modes = new Set((process.env.MODES || '').split(',').filter(Boolean));
const basic = process.env.BASIC ? 'Basic ' + Buffer.from(process.env.BASIC).toString('base64') : null;
let port = 0;

function forward(req, res, path, rewrite) {
  // the registry builds its Locations from Host: make them name the proxy
  const headers = { ...req.headers, host: `127.0.0.1:${port}` };
  delete headers.authorization;
  const up = http.request({ host: '127.0.0.1', port: target, method: req.method, path, headers },
    (ur) => {
      const h = { ...ur.headers };
      if (rewrite) rewrite(h);
      res.writeHead(ur.statusCode, h);
      ur.pipe(res);
    });
  up.on('error', () => res.destroy());
  req.pipe(up);
}

function other(req, res, url) {
  if (url.pathname.startsWith('/cdn/')) {
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': `Bearer realm="http://localhost:${port}/evil/token",service="evil"`,
      'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'who are you' }] }));
  } else if (url.pathname === '/evil/token') {
    req.resume();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token: 'stolen', expires_in: 300 }));
  } else if (url.pathname.startsWith('/offsite/')) {
    forward(req, res, req.url.slice('/offsite'.length));
  } else {
    req.resume();
    res.writeHead(404);
    res.end();
  }
}

function registry(req, res, url) {
  if (basic && req.headers.authorization !== basic) {
    req.resume();
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="hostile"', 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    return;
  }
  if (modes.has('warn-escape') && url.pathname === '/v2/') {
    // node refuses control characters in header values: write the answer raw
    req.resume();
    req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n' +
      'Warning: 299 - "\x1b]0;pwned\x07\x1b[2Jscreen wiped"\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
    return;
  }
  if (modes.has('cdn401') && req.method === 'GET' && /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/.test(url.pathname)) {
    req.resume();
    res.writeHead(307, { Location: `http://localhost:${port}/cdn${url.pathname}` });
    res.end();
    return;
  }
  forward(req, res, req.url, (h) => {
    if (modes.has('offsite') && req.method === 'POST' && h.location) {
      const l = new URL(h.location, `http://127.0.0.1:${port}`);
      h.location = `http://localhost:${port}/offsite${l.pathname}${l.search}`;
    }
    if (modes.has('stuck-range') && req.method === 'PATCH' && h.range) h.range = '0-0';
  });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const mine = req.headers.host === `127.0.0.1:${port}`;
  console.log(`${mine ? 'registry' : 'other'} auth=${req.headers.authorization ? 'present' : 'absent'} ` +
    `${req.method} ${url.pathname}${req.headers['x-injected'] ? ' injected' : ''}`);
  if (mine) registry(req, res, url); else other(req, res, url);
});
server.listen(0, '127.0.0.1', () => {
  port = server.address().port;
  fs.writeFileSync(portFile, String(port));
});
