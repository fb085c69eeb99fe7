'use strict';
// An independent OCPP 1.6J central system for the gateway's interoperability tests: ocpp-rpc in
// strict mode (every frame in both directions is validated against the official 1.6 schemas).
// It records every CALL it receives and every validation failure; the xunit test drives it with
// JSON lines on stdin and reads JSON lines on stdout:
//   {"id":1,"op":"call","method":"RemoteStopTransaction","params":{...}} -> {"id":1,"ok":true,"result":{...}}
//      (to the charge point last connected, or to "identity":"SE-1" when given)
//   {"id":2,"op":"record"}   -> {"id":2,"ok":true,"result":{"received":[...],"failures":[...],"connections":[...],"tlsAttempts":[...]}}
//   {"id":3,"op":"close"}    -> the central system goes away (closes its clients and stops listening)
//   {"id":4,"op":"listen"}   -> it comes back on the same port
// Usage: node central-system.js --port 0 --password KEY [--heartbeat 2] [--tls-cert cert.pem --tls-key key.pem]
// With --tls-cert/--tls-key it serves wss:// (security profile 2) instead of ws:// (profile 1).
const { RPCServer, createRPCError } = require('ocpp-rpc');
const readline = require('readline');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
    (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
let port = Number(args.port || 0);
const password = args.password || '';
const heartbeat = Number(args.heartbeat || 2);

const received = [];     // every CALL from a charge point, in arrival order
const failures = [];     // strict-mode validation failures and bad messages, both directions
const connections = [];  // identities and whether their basic-auth password matched
const tlsAttempts = [];  // TCP connections to the wss:// server (with --tls-cert), whatever became of their handshake
let nextTransactionId = 1000;
let server = null;
let tlsServer = null;
let client = null;
const clients = new Map(); // identity -> connected client (many charge points may connect at once)

const knownTags = { 'TAG-OK': 'Accepted', 'TAG-OFF': 'Accepted', 'TAG-BLOCKED': 'Blocked' };
const now = () => new Date().toISOString();

function attach(cli) {
    client = cli;
    clients.set(cli.identity, cli);
    cli.on('strictValidationFailure', (e) => failures.push({
        kind: 'strictValidationFailure', method: e.method, outbound: e.outbound, isCall: e.isCall,
        message: String(e.error && e.error.message), params: e.params, result: e.result,
    }));
    cli.on('badMessage', (e) => failures.push({ kind: 'badMessage', message: String(e.error && e.error.message), buffer: String(e.buffer) }));
    cli.on('close', () => {
        if (client === cli) client = null;
        if (clients.get(cli.identity) === cli) clients.delete(cli.identity);
    });
    const record = (method, params, messageId) => received.push({ seq: received.length, at: now(), identity: cli.identity, method, params, messageId });
    cli.handle(({ method, params, messageId }) => {
        record(method, params, messageId);
        switch (method) {
            case 'BootNotification': return { status: 'Accepted', currentTime: now(), interval: heartbeat };
            case 'Heartbeat': return { currentTime: now() };
            case 'Authorize': return { idTagInfo: { status: knownTags[params.idTag] || 'Invalid' } };
            case 'StartTransaction': return { transactionId: nextTransactionId++, idTagInfo: { status: knownTags[params.idTag] || 'Invalid' } };
            case 'StopTransaction': return { idTagInfo: { status: 'Accepted' } };
            case 'DataTransfer': return { status: 'UnknownVendorId' };
            case 'MeterValues':
            case 'StatusNotification':
            case 'FirmwareStatusNotification':
            case 'DiagnosticsStatusNotification':
                return {};
            default:
                throw createRPCError('NotImplemented', `${method} is not handled by this test central system`);
        }
    });
}

async function listen() {
    server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: true, callTimeoutMs: 15000 });
    server.auth((accept, reject, handshake) => {
        const ok = handshake.password !== undefined && handshake.password.toString('utf8') === password;
        connections.push({ at: now(), identity: handshake.identity, passwordMatched: ok });
        if (ok) accept({}); else reject(401);
    });
    server.on('client', attach);
    if (args['tls-cert']) {
        const fs = require('fs');
        const https = require('https');
        tlsServer = https.createServer({ cert: fs.readFileSync(args['tls-cert']), key: fs.readFileSync(args['tls-key']) });
        tlsServer.on('upgrade', server.handleUpgrade);
        tlsServer.on('connection', () => tlsAttempts.push({ at: now() }));
        await new Promise((resolve, reject) => { tlsServer.once('error', reject); tlsServer.listen(port, '127.0.0.1', resolve); });
        port = tlsServer.address().port;
        return port;
    }
    const http = await server.listen(port, '127.0.0.1');
    port = http.address().port;
    return port;
}

async function handle(cmd) {
    switch (cmd.op) {
        case 'call':
            const to = cmd.identity ? clients.get(cmd.identity) : client;
            if (!to) throw new Error(cmd.identity ? `charge point ${cmd.identity} is not connected` : 'no charge point is connected');
            return await to.call(cmd.method, cmd.params || {});
        case 'record':
            return { received, failures, connections, tlsAttempts };
        case 'close':
            if (server) { const s = server; server = null; client = null; clients.clear(); await s.close({ code: 1001, reason: 'going away' }); }
            if (tlsServer) { const t = tlsServer; tlsServer = null; await new Promise((resolve) => t.close(resolve)); }
            return { closed: true };
        case 'listen':
            return { port: await listen() };
        default:
            throw new Error(`unknown op ${cmd.op}`);
    }
}

function reply(obj) { process.stdout.write(JSON.stringify(obj) + '\n'); }

(async () => {
    await listen();
    reply({ event: 'listening', port });
    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', async (line) => {
        let cmd;
        try { cmd = JSON.parse(line); } catch (e) { reply({ ok: false, error: `bad command: ${e.message}` }); return; }
        try { reply({ id: cmd.id, ok: true, result: await handle(cmd) }); }
        catch (e) { reply({ id: cmd.id, ok: false, error: String(e && e.message), rpcCode: e && e.rpcErrorCode }); }
    });
    rl.on('close', async () => {
        if (server) await server.close({ force: true });
        if (tlsServer) tlsServer.close();
        process.exit(0);
    });
})().catch((e) => { process.stderr.write(String(e && e.stack) + '\n'); process.exit(1); });
