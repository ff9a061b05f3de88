#!/usr/bin/env node
// A header-adding proxy for the MCP conformance suite, which cannot send an Authorization header: it listens on
// 127.0.0.1 (a port the system picks unless --port is given), forwards every request to --target unchanged except
// for the Authorization header it sets (any the client sent is replaced) and the Host of the target, and streams the
// answer back (JSON or an event stream). It forwards to that one target only. Used by scripts/conformance.
//
//   node scripts/conformance-proxy.mjs --target http://localhost:9080/mcp --token JWT [--port 0]
// First line on stdout: "listening http://127.0.0.1:PORT/mcp" (the target's path, on the proxy).

import http from 'node:http';
import https from 'node:https';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
if (!args.target || !args.token) {
  process.stderr.write('usage: conformance-proxy.mjs --target URL --token JWT [--port N]\n');
  process.exit(2);
}
const target = new URL(args.target);
const client = target.protocol === 'https:' ? https : http;
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te',
  'trailer', 'host', 'authorization', 'content-length']);

const server = http.createServer((req, res) => {
  const headers = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP.has(name.toLowerCase())) headers[name] = value;
  }
  headers.authorization = `Bearer ${args.token}`;
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    if (body.length > 0) headers['content-length'] = String(body.length);
    const path = req.url === '/' ? target.pathname : req.url;
    const upstream = client.request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      path,
      method: req.method,
      headers
    }, (up) => {
      const out = {};
      for (const [name, value] of Object.entries(up.headers)) {
        if (!HOP.has(name.toLowerCase()) || name.toLowerCase() === 'content-length') out[name] = value;
      }
      res.writeHead(up.statusCode ?? 502, out);
      up.pipe(res);
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' });
      }
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: `proxy: ${e.message}` } }));
    });
    // a client that stops reading (the suite aborts long streams) ends the upstream request too
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  });
});

server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`listening http://127.0.0.1:${port}${target.pathname}\n`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
