// A fake registry over https that serves one manifest and redirects its
// blobs to plain http: a client must refuse that downgrade.
//
//   node downgrade-server.js PORTFILE CERT KEY MANIFEST_FILE
'use strict';
const https = require('https');
const fs = require('fs');

const [portFile, cert, key, manifestFile] = process.argv.slice(2);
const manifest = fs.readFileSync(manifestFile);
const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
  console.log(`${req.method} ${req.url} auth=${req.headers.authorization ? 'present' : 'absent'}`);
  if (req.url === '/v2/') { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); return; }
  if (req.url.includes('/manifests/')) {
    res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' });
    res.end(manifest);
    return;
  }
  res.writeHead(307, { Location: 'http://127.0.0.1:9/blob' });
  res.end();
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
