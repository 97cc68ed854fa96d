// Scenarios that drive the official `centrifuge` SDK (v5) against the running system.
// Usage: node scenarios.mjs <scenario>; environment: RT_URL (WebSocket URL), RT_ARGS (JSON),
// RT_FORMAT ("json", the default, or "protobuf": the SDK's Protobuf build, binary frames),
// RT_TRANSPORT ("websocket", the default, "http_stream" or "sse": the SDK's emulated transports,
// whose later commands go to the gateway's /emulation endpoint behind the same address).
// Prints one JSON line with the observations; the C# tests assert on it. Every wait is bounded.
import { applyDelta } from 'fossil-delta';
import WebSocket from 'ws';
import { EventSource } from 'eventsource';
import { createHmac } from 'node:crypto';

const url = process.env.RT_URL;
const args = JSON.parse(process.env.RT_ARGS ?? '{}');
const protobuf = process.env.RT_FORMAT === 'protobuf';
const transport = process.env.RT_TRANSPORT ?? 'websocket';
const httpBase = (url ?? '').replace(/^ws/, 'http').replace(/\/connection\/websocket$/, '');
// The emulated transports are chosen by an explicit endpoint list; Node 20 has fetch and
// ReadableStream, and the eventsource package provides EventSource.
const endpoint = transport === 'websocket' ? url : [{ transport, endpoint: `${httpBase}/connection/${transport}` }];
const { Centrifuge } = await import(protobuf ? 'centrifuge/build/protobuf' : 'centrifuge');

// The Protobuf build carries payloads as bytes: the scenarios send and read JSON either way.
const utf8 = { encoder: new TextEncoder(), decoder: new TextDecoder() };
const out = value => (protobuf ? utf8.encoder.encode(JSON.stringify(value)) : value);
// Protobuf's uint64 offsets arrive as Long objects; the observations report plain numbers.
const num = v => (v !== null && typeof v === 'object' && 'low' in v ? v.low + v.high * 2 ** 32 : v);
const back = data => (protobuf && data instanceof Uint8Array ? JSON.parse(utf8.decoder.decode(data)) : data);

const until = async (condition, ms, what) => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
};
const sleep = ms => new Promise(r => setTimeout(r, ms));

// An HS256 JWT, signed with the test secret the gateway is configured with.
const base64url = value => Buffer.from(value).toString('base64url');
const hs256 = (claims, secret) => {
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
};

// Every client and subscription made, so a failure can report what each one saw.
const made = [];

function client(options = {}) {
  const c = new Centrifuge(endpoint, {
    websocket: WebSocket, eventsource: EventSource, emulationEndpoint: `${httpBase}/emulation`,
    minReconnectDelay: 100, maxReconnectDelay: 1000, timeout: 5000, ...options,
  });
  c.events = [];
  made.push({ client: c.events });
  for (const e of ['connecting', 'connected', 'disconnected', 'error']) {
    c.on(e, ctx => c.events.push({ event: e, code: ctx.code, reason: ctx.reason, error: ctx.error?.code }));
  }
  return c;
}

function subscription(c, channel, options = {}) {
  const s = c.newSubscription(channel, options);
  s.publications = [];
  s.events = [];
  made.push({ channel, events: s.events });
  s.on('publication', ctx => s.publications.push({ offset: num(ctx.offset), data: back(ctx.data), user: ctx.info?.user }));
  s.on('join', ctx => s.events.push({ event: 'join', user: ctx.info.user, client: ctx.info.client }));
  s.on('leave', ctx => s.events.push({ event: 'leave', user: ctx.info.user, client: ctx.info.client }));
  s.on('subscribed', ctx => s.events.push({ event: 'subscribed', recovered: ctx.recovered, wasRecovering: ctx.wasRecovering, positioned: ctx.positioned, offset: num(ctx.streamPosition?.offset), epoch: ctx.streamPosition?.epoch }));
  s.on('unsubscribed', ctx => s.events.push({ event: 'unsubscribed', code: ctx.code }));
  s.on('error', ctx => s.events.push({ event: 'error', code: ctx.error?.code }));
  return s;
}

const connected = c => new Promise((resolve, reject) => {
  c.once('connected', resolve);
  c.once('disconnected', ctx => reject(new Error(`disconnected ${ctx.code} ${ctx.reason}`)));
  c.connect();
});

const errorCode = async promise => {
  try { await promise; return 0; } catch (e) { return e.code ?? -1; }
};

const scenarios = {
  // Two clients on different gateway instances; one publishes, the other receives.
  async cross_node() {
    const byNode = new Map();
    const spare = [];
    for (let i = 0; i < 20 && byNode.size < 2; i++) {
      const c = client({ token: args.tokens[i % args.tokens.length] });
      await connected(c);
      if (byNode.has(c._node)) spare.push(c); else byNode.set(c._node, c);
    }
    spare.forEach(c => c.disconnect());
    const [receiver, publisher] = [...byNode.values()];
    const rs = subscription(receiver, args.channel);
    const ps = subscription(publisher, args.channel);
    rs.subscribe(); ps.subscribe();
    await rs.ready(5000); await ps.ready(5000);
    for (let i = 1; i <= 3; i++) await ps.publish(out({ n: i }));
    await until(() => rs.publications.length === 3, 10000, 'three publications');
    return { nodes: [...byNode.keys()], received: rs.publications, transports: [receiver._transport?.name(), publisher._transport?.name()] };
  },

  async presence() {
    const a = client({ token: args.tokens[0] });
    const b = client({ token: args.tokens[1] });
    await connected(a); await connected(b);
    const sa = subscription(a, args.channel); const sb = subscription(b, args.channel);
    sa.subscribe(); sb.subscribe();
    await sa.ready(5000); await sb.ready(5000);
    let stats;
    for (let i = 0; i < 200; i++) { stats = await sa.presenceStats(); if (stats.numClients === 2) break; await sleep(50); }
    const presence = await sa.presence();
    sb.unsubscribe();
    let after;
    for (let i = 0; i < 200; i++) { after = await sa.presenceStats(); if (after.numClients === 1) break; await sleep(50); }
    return { stats, clients: Object.values(presence.clients).map(c => c.user).sort(), afterUnsubscribe: after };
  },

  async history() {
    const c = client({ token: args.tokens[0] });
    await connected(c);
    const s = subscription(c, args.channel);
    s.subscribe(); await s.ready(5000);
    for (let i = 1; i <= 5; i++) await s.publish(out({ n: i }));
    // An acknowledged publish is logged, not yet sequenced: wait until history has all five
    // (before that the channel may have no stream, and so no epoch, yet).
    let all;
    for (let i = 0; i < 200; i++) { all = await s.history({ limit: 10 }); if (all.publications.length === 5) break; await sleep(50); }
    const since = await s.history({ limit: 10, since: { offset: 2, epoch: all.epoch } });
    const reversed = await s.history({ limit: 2, reverse: true });
    const top = await s.history({ limit: 0 });
    const wrongEpoch = await errorCode(s.history({ limit: 10, since: { offset: 1, epoch: 'not-the-epoch' } }));
    const offsets = r => r.publications.map(p => num(p.offset));
    return { all: offsets(all), since: offsets(since), reversed: offsets(reversed), top: num(top.offset), epoch: all.epoch, wrongEpoch };
  },

  // A connection token that expires every few seconds is refreshed by the SDK without a disconnect.
  async token_refresh() {
    let calls = 0;
    const c = client({ token: args.tokens[0], getToken: async () => { calls++; return args.tokens[calls] ?? args.tokens.at(-1); } });
    await connected(c);
    await sleep(args.holdMs);
    return { refreshCalls: calls, state: c.state, disconnects: c.events.filter(e => e.event === 'disconnected').length, events: c.events };
  },

  // Each subscription token is signed when the SDK asks for it, living `tokenSeconds` from then
  // (as an application backend would issue it): a stall on a loaded machine delays a refresh but
  // never hands the SDK a token that ran out while it waited.
  async sub_token_refresh() {
    const c = client({ token: args.connectionToken });
    await connected(c);
    let calls = 0;
    const getToken = async () => {
      calls++;
      return hs256({ sub: args.user, channel: args.channel, exp: Math.floor(Date.now() / 1000) + args.tokenSeconds }, args.secret);
    };
    const s = subscription(c, args.channel, { getToken });
    s.subscribe(); await s.ready(5000);
    await sleep(args.holdMs);
    await s.publish(out({ still: 'here' }));
    await until(() => s.publications.length === 1, 5000, 'own publication');
    return { tokenCalls: calls, state: s.state, unsubscribes: s.events.filter(e => e.event === 'unsubscribed').length };
  },

  async rpc() {
    const c = client({ token: args.tokens[0] });
    await connected(c);
    const reply = await c.rpc('echo', out({ text: 'ping' }));
    const missing = await errorCode(c.rpc('fail', out({})));
    return { data: back(reply.data), failedCode: missing };
  },

  // Asynchronous messages: no reply; the RPC after them returns once the gateway handled them (one command at a time).
  async send() {
    const c = client({ token: args.tokens[0] });
    await connected(c);
    await c.send(out({ tag: args.tag, n: 1 }));
    await c.send(out({ tag: args.tag, n: 2 }));
    const after = await c.rpc('echo', out({ text: 'after' }));
    return { after: back(after.data).echo.text };
  },

  // The server closes the connection (flooding → 3013); the SDK reconnects by itself.
  async reconnect() {
    const c = client({ token: args.tokens[0] });
    await connected(c);
    const s = subscription(c, args.channel); s.subscribe(); await s.ready(5000);
    // Batched frames (well under the frame limit) arrive together, far above any sane rate. The
    // commands are ones the gateway refuses on the spot (publishing where not subscribed: 103),
    // so handling them never slows the flood down to within the rate.
    const elsewhere = `${args.channel}-not-subscribed`;
    for (let sent = 0; sent < args.flood && c.state === 'connected'; sent += 250) {
      c.startBatching();
      for (let i = sent; i < sent + 250; i++) c.publish(elsewhere, out({ i })).catch(() => {});
      c.stopBatching();
      // Let the event loop breathe, so the server's close frame is read when it comes.
      await new Promise(r => setImmediate(r));
    }
    await until(() => c.events.filter(e => e.event === 'connected').length >= 2, 15000, `a reconnect (events: ${JSON.stringify(c.events)})`);
    await until(() => s.state === 'subscribed', 10000, 'resubscribed');
    return { codes: c.events.filter(e => e.event === 'connecting' && e.code).map(e => e.code), connects: c.events.filter(e => e.event === 'connected').length, subscription: s.state };
  },

  async errors() {
    const c = client({ token: args.tokens[0] });
    await connected(c);
    const forbidden = subscription(c, args.forbiddenChannel); forbidden.subscribe();
    const unknown = subscription(c, args.unknownChannel); unknown.subscribe();
    await until(() => forbidden.events.some(e => e.event === 'error' || e.event === 'unsubscribed') && unknown.events.some(e => e.event === 'error' || e.event === 'unsubscribed'), 5000, 'both refusals');
    const publishForbidden = await errorCode(c.publish(args.subscriberOnlyChannel, out({ x: 1 })));
    return {
      forbidden: forbidden.events.find(e => e.event === 'error' || e.event === 'unsubscribed').code,
      unknown: unknown.events.find(e => e.event === 'error' || e.event === 'unsubscribed').code,
      publishForbidden,
    };
  },

  async join_leave() {
    const watcher = client({ token: args.tokens[0] });
    await connected(watcher);
    const ws = subscription(watcher, args.channel, { joinLeave: true }); ws.subscribe(); await ws.ready(5000);
    const visitor = client({ token: args.tokens[1] });
    await connected(visitor);
    const vs = subscription(visitor, args.channel); vs.subscribe(); await vs.ready(5000);
    await until(() => ws.events.some(e => e.event === 'join' && e.user === 'visitor'), 5000, 'the join');
    vs.unsubscribe();
    await until(() => ws.events.some(e => e.event === 'leave' && e.user === 'visitor'), 5000, 'the leave');
    return { events: ws.events.filter(e => e.event === 'join' || e.event === 'leave').map(e => `${e.event}:${e.user}`) };
  },

  // A client away while others publish gets exactly what it missed when it comes back.
  async recovery() {
    const away = client({ token: args.tokens[0] });
    await connected(away);
    const s = subscription(away, args.channel); s.subscribe(); await s.ready(5000);
    const publisher = client({ token: args.tokens[1] });
    await connected(publisher);
    const ps = subscription(publisher, args.channel); ps.subscribe(); await ps.ready(5000);
    await ps.publish(out({ n: 1 }));
    await until(() => s.publications.length === 1, 5000, 'the first publication');
    away.disconnect();
    for (let i = 2; i <= 4; i++) await ps.publish(out({ n: i }));
    away.connect();
    await until(() => s.publications.length === 4, 10000, 'the recovered publications');
    return { offsets: s.publications.map(p => p.offset), data: s.publications.map(p => p.data.n), subscribed: s.events.filter(e => e.event === 'subscribed') };
  },

  // A private channel (the `$` prefix) needs a subscription token whatever its namespace allows.
  async private_channel() {
    const without = client({ token: args.connectionToken });
    await connected(without);
    const denied = subscription(without, args.channel); denied.subscribe();
    await until(() => denied.events.some(e => e.event === 'error' || e.event === 'unsubscribed'), 5000, 'the refusal');
    const withToken = client({ token: args.connectionToken });
    await connected(withToken);
    const allowed = subscription(withToken, args.channel, { token: args.subscriptionToken });
    allowed.subscribe(); await allowed.ready(5000);
    return { denied: denied.events.find(e => e.event === 'error' || e.event === 'unsubscribed').code, allowed: allowed.state };
  },

  // Subscribing from a position the app supplies (`since`): inside the history window with the
  // channel's epoch the missed publications are recovered; with another epoch nothing is, the
  // client is told so, and the subscription stays live from the current position.
  async positions() {
    const publisher = client({ token: args.tokens[0] });
    await connected(publisher);
    const ps = subscription(publisher, args.channel); ps.subscribe(); await ps.ready(5000);
    for (let i = 1; i <= 3; i++) await ps.publish(out({ n: i }));
    // Acknowledged means logged; positions exist once fanout has sequenced them, which the
    // publisher's own subscription shows.
    await until(() => ps.publications.length === 3, 5000, 'the three publications sequenced');
    const { epoch } = await ps.history({ limit: 0 });
    const fromPosition = async since => {
      const c = client({ token: args.tokens[1] });
      await connected(c);
      const s = subscription(c, args.channel, { since });
      s.subscribe(); await s.ready(5000);
      return s;
    };
    const inWindow = await fromPosition({ offset: 1, epoch });
    const otherEpoch = await fromPosition({ offset: 1, epoch: 'not-the-epoch' });
    await until(() => inWindow.publications.length === 2, 5000, 'the recovered publications');
    await ps.publish(out({ n: 4 }));
    await until(() => inWindow.publications.length === 3 && otherEpoch.publications.length === 1, 5000, 'the live publication');
    const seen = s => ({ subscribed: s.events.find(e => e.event === 'subscribed'), offsets: s.publications.map(p => p.offset) });
    return { epoch, inWindow: seen(inWindow), otherEpoch: seen(otherEpoch) };
  },

  // Deltas made by the gateway's encoder, applied by the fossil-delta package (no server involved):
  // args.cases = [{ source, delta }] in base64; returns each target in base64, or the error.
  async fossil_apply() {
    const targets = args.cases.map(({ source, delta }) => {
      try {
        return { target: Buffer.from(applyDelta(Buffer.from(source, 'base64'), Buffer.from(delta, 'base64'))).toString('base64') };
      } catch (e) {
        return { error: String(e?.message ?? e) };
      }
    });
    return { targets };
  },

  // A subscriber with delta: 'fossil' gets every payload right (the SDK applies the deltas and
  // counts them), across a reconnect that recovers publications in full.
  async delta() {
    const reader = client({ token: args.tokens[0] });
    await connected(reader);
    const s = subscription(reader, args.channel, { delta: 'fossil' });
    s.subscribe(); await s.ready(5000);
    const publisher = client({ token: args.tokens[1] });
    await connected(publisher);
    const ps = subscription(publisher, args.channel); ps.subscribe(); await ps.ready(5000);
    const payload = n => ({ n, text: `${'a long unchanged text, '.repeat(40)} ünïcödé ${n}`, items: [1, 2, 3, n] });
    for (let n = 1; n <= 5; n++) await ps.publish(out(payload(n)));
    await until(() => s.publications.length === 5, 10000, 'five publications');
    reader.disconnect();
    for (let n = 6; n <= 7; n++) await ps.publish(out(payload(n)));
    reader.connect();
    await until(() => s.publications.length === 7, 10000, 'the recovered publications');
    for (let n = 8; n <= 10; n++) await ps.publish(out(payload(n)));
    await until(() => s.publications.length === 10, 10000, 'ten publications');
    const wrong = s.publications.filter((p, i) => JSON.stringify(p.data) !== JSON.stringify(payload(i + 1))).map(p => p.offset);
    return { wrong, stats: s.deltaStats(), subscribed: s.events.filter(e => e.event === 'subscribed') };
  },
};

const name = process.argv[2];
const timer = setTimeout(() => { console.log(JSON.stringify({ ok: false, error: 'scenario timed out' })); process.exit(2); }, 60000);
// Exit only once the line is written: a pipe takes writes asynchronously, and exiting at once
// would cut a long line at 64 KiB.
const finish = (line, code) => { clearTimeout(timer); process.stdout.write(line + '\n', () => process.exit(code)); };
try {
  const result = await scenarios[name]();
  finish(JSON.stringify({ ok: true, ...result }), 0);
} catch (e) {
  finish(JSON.stringify({ ok: false, error: String(e?.stack ?? e?.message ?? e), code: e?.code, made }), 1);
}
