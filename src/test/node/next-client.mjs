// A real MCP client of the 2026-07-28 revision against kommo-mcp: the TypeScript SDK v2 client
// (@modelcontextprotocol/client 2.0.0), pinned to 2026-07-28, so it never falls back to initialize. It discovers the
// server, lists the tools, calls a read tool and, when asked to, a governed tool: the server answers that with an
// input-required result, the client asks "the person" (this script's elicitation handler, which answers as told),
// and retries with the answer and the requestState, exactly as the SDK's multi-round-trip driver does for any app.
//
// Usage:
//   node next-client.mjs --url http://localhost:9080/mcp --token JWT --read pipelines_list [--read-args '{}']
//        [--governed loss_reasons_create --governed-args '{"name":"x"}' --answer accept|decline]
// Prints one JSON object on stdout (what NextRevisionIT checks); exits 1 with a message on stderr on failure.

import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

function options(argv) {
  const out = {};
  for (let i = 2; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
      throw new Error(`bad argument ${argv[i]}`);
    }
    out[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['url', 'token', 'read']) {
    if (!out[required]) throw new Error(`--${required} is required`);
  }
  return out;
}

const opts = options(process.argv);
const elicitations = [];

const client = new Client(
  { name: 'kommo-mcp-next-client', version: '1.0.0' },
  {
    capabilities: { elicitation: { form: {} } },
    versionNegotiation: { mode: { pin: '2026-07-28' } }
  }
);
client.setRequestHandler('elicitation/create', async (request) => {
  elicitations.push(request.params.message);
  const answer = opts.answer ?? 'accept';
  return answer === 'accept'
    ? { action: 'accept', content: { confirm: true } }
    : { action: answer };
});

const transport = new StreamableHTTPClientTransport(new URL(opts.url), {
  requestInit: { headers: { Authorization: `Bearer ${opts.token}` } }
});

function summary(result) {
  return {
    isError: result.isError === true,
    structuredContent: result.structuredContent ?? null,
    text: (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n')
  };
}

try {
  await client.connect(transport);
  const report = {
    era: client.getProtocolEra(),
    protocolVersion: client.getNegotiatedProtocolVersion(),
    server: client.getServerVersion() ?? null,
    supportedVersions: client.getDiscoverResult()?.supportedVersions ?? null
  };
  const listed = await client.listTools();
  report.tools = listed.tools.map((t) => t.name);
  report.read = summary(await client.callTool({
    name: opts.read,
    arguments: JSON.parse(opts['read-args'] ?? '{}')
  }));
  if (opts.governed) {
    report.governed = summary(await client.callTool({
      name: opts.governed,
      arguments: JSON.parse(opts['governed-args'] ?? '{}')
    }));
  }
  report.elicitations = elicitations;
  process.stdout.write(JSON.stringify(report) + '\n');
  await client.close();
} catch (e) {
  process.stderr.write(`next-client failed: ${e?.stack ?? e}\n`);
  try {
    await client.close();
  } catch {
    // closing after a failure: nothing more to report
  }
  process.exit(1);
}
