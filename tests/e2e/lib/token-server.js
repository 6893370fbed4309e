// A token server for the distribution registry's `token` auth, for the
// tests: RS256 JWTs whose header carries x5c (the signing certificate),
// which distribution 2.8 checks against its rootcertbundle.
//
//   node token-server.js PORTFILE KEY CERT ISSUER SERVICE USERS REFRESH
//
// USERS is "user:pass,user2:pass2"; REFRESH is the refresh token the OAuth2
// POST accepts.  Anonymous requests get a token with no access.  User
// "narrow" gets only the first requested scope on its first request (to
// provoke insufficient_scope).  A refresh token starting "get-only" gets
// 404 on POST (as registries without OAuth2 answer).  User "brief" gets
// tokens that live 6 s (to prove the client renews before expiry).  User "long"
// gets 40 KiB tokens (a padding claim), as registries with many claims issue.
// User "forever" gets expires_in 9223372036854775807 (the largest int64).  Each request is logged on stdout as
// "<METHOD> <user|-> <scopes>" (no secrets).  Writes its port to PORTFILE.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const [portFile, keyFile, certFile, issuer, service, usersArg, refresh] = process.argv.slice(2);
const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
const certPem = fs.readFileSync(certFile, 'utf8');
const der = Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
const users = new Map(usersArg.split(',').filter(Boolean).map((u) => u.split(':')));
const seen = new Map();

const b64url = (b) => Buffer.from(b).toString('base64url');

const ttlFor = (user) => (user === 'brief' ? 6 : 300);

function jwt(sub, access) {
  const now = Math.floor(Date.now() / 1000);
  const header = { typ: 'JWT', alg: 'RS256', x5c: [der.toString('base64')] };
  const claims = { iss: issuer, sub, aud: service, exp: now + ttlFor(sub), nbf: now - 10, iat: now,
    jti: crypto.randomBytes(8).toString('hex'), access };
  if (sub === 'long') claims.pad = 'p'.repeat(30000);
  const input = b64url(JSON.stringify(header)) + '.' + b64url(JSON.stringify(claims));
  return input + '.' + b64url(crypto.sign('sha256', Buffer.from(input), key));
}

function accessFor(user, scopes) {
  if (!user) return [];
  let list = scopes;
  if (user === 'narrow') {
    const n = (seen.get(user) || 0) + 1;
    seen.set(user, n);
    if (n === 1) list = scopes.slice(0, 1);
  }
  return list.map((s) => {
    const [type, ...rest] = s.split(':');
    const actions = rest.pop().split(',');
    return { type, name: rest.join(':'), actions };
  });
}

function deny(res) {
  res.writeHead(401, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
}

function grant(res, user, scopes) {
  const t = jwt(user || '', accessFor(user, scopes));
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const body = JSON.stringify({ token: t, access_token: t, expires_in: ttlFor(user),
    issued_at: new Date().toISOString() });
  // JSON.stringify cannot spell an exact int64: write it into the text
  res.end(user === 'forever' ? body.replace(/"expires_in":\d+/, '"expires_in":9223372036854775807') : body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname !== '/token') { res.writeHead(404); res.end('not found'); return; }
  if (req.method === 'GET') {
    let user = null;
    const auth = req.headers.authorization || '';
    if (auth.startsWith('Basic ')) {
      const plain = Buffer.from(auth.slice(6), 'base64').toString();
      const i = plain.indexOf(':');
      const u = plain.slice(0, i), p = plain.slice(i + 1);
      if (users.get(u) !== p) { console.log(`GET ${u} denied`); deny(res); return; }
      user = u;
    }
    const scopes = url.searchParams.getAll('scope');
    console.log(`GET ${user || '-'} ${scopes.join(' ')}`);
    grant(res, user, scopes);
    return;
  }
  if (req.method === 'POST') {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const f = new URLSearchParams(body);
      const scopes = (f.get('scope') || '').split(' ').filter(Boolean);
      if ((f.get('refresh_token') || '').startsWith('get-only')) {
        // a registry without the OAuth2 POST: the client falls back to GET
        console.log('POST 404'); res.writeHead(404); res.end('404 page not found'); return;
      }
      if (f.get('grant_type') !== 'refresh_token' || f.get('refresh_token') !== refresh) {
        console.log('POST denied'); deny(res); return;
      }
      console.log(`POST refresh ${scopes.join(' ')}`);
      grant(res, 'refresh-user', scopes);
    });
    return;
  }
  res.writeHead(405); res.end();
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
