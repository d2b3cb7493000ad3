#!/usr/bin/env node
// codewhale-watchdog: one check of the CodeWhale host, run as root by codewhale-watchdog.service on a timer.
// End to end, not "is the process alive": the runtime must answer /health on loopback, and the bridge must
// show that it still receives (Telegram: no updates left waiting at the Bot API; WebSocket bridges: an open
// connection to the platform; long-poll bridges that serve one turn at a time: an open connection at all).
// What stays stuck for stuckSeconds is restarted, with back-off; every action is one line in the journal. The
// owner hears about restarts, failed or crash-looping units and a full disk in the chat app (the allowlisted
// chats), de-duplicated and rate-limited, where the platform lets the host write to them (a bridge row may turn
// alerts off and say why; they are journal lines then).
// Built-ins only (the host has the distribution's nodejs and no npm packages; node:http rather than fetch,
// which warns "experimental" on Node 18). Secrets (bot token, app secret) come from the bridge's env file
// through systemd's EnvironmentFile=; they go only into request URLs/bodies, never into argv or a log line
// (every line passes redact()). State (suspicions, back-off, alerts sent) is in $STATE_DIRECTORY, root-only.
// With --gate (codewhale-upgrade-gate.service, after a rollout switched releases): the same checks, repeated
// until all pass or upgradeGateSeconds ran out; then the previous release comes back (codewhale-rollback, as
// the installer's user), the services restart, the owner is told, and it exits 1.
// With --check (codewhale-health-check.service, the ops verb upgrade-check): the gate's checks once, reported only.
// Usage: watchdog.mjs <config.json> [--gate | --check]
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Defaults of the knobs; CODEWHALE_WATCHDOG_<NAME> (upper snake case) overrides one (tests shorten them). */
export const DEFAULTS = Object.freeze({
  stuckSeconds: 90, // a service must look stuck this long (over two checks or more) before it is restarted
  backoffBaseSeconds: 300, // the second restart of a unit waits this long after the first, then doubling
  backoffCapSeconds: 3600, // ... up to this; a unit left alone this long starts from no back-off again
  alertRepeatSeconds: 21600, // the same alert again only after this long
  alertsPerHour: 6, // at most this many messages per hour in all
  diskPercent: 90, // a file system this full is "nearly full"
  crashRestarts: 3, // this many automatic restarts of a unit since the last check is a crash loop
  requestTimeoutSeconds: 10,
  upgradeGateSeconds: 180, // a new release must pass the checks within this, or the host switches back
});

export function settingsFrom(env) {
  const out = {};
  for (const [k, d] of Object.entries(DEFAULTS)) {
    const name = `CODEWHALE_WATCHDOG_${k.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    const v = env[name] === undefined || env[name] === '' ? d : Number(env[name]);
    if (!(v >= 0 && v < Infinity)) throw new Error(`${name} must be a number >= 0`);
    out[k] = v;
  }
  return out;
}

/** Seconds a unit must wait before its next restart, after `count` restarts by the watchdog. */
export function backoffSeconds(count, s) {
  return count === 0 ? 0 : Math.min(s.backoffCapSeconds, s.backoffBaseSeconds * 2 ** (count - 1));
}

/**
 * The decision, pure: previous state + what this check observed -> restarts, alerts, log lines, next state.
 * obs: { units: {unit: {active, result, nRestarts}}, checks: [{unit, ok, why}], disks: [{path, usedPercent}],
 *        events: [{key, text}] (e.g. a rolled-back upgrade) }.
 * cfg: { hostname, producerUnit, look(unit) -> the command to look closer }.
 */
export function decide(prev, obs, now, s, cfg) {
  const state = {
    suspect: { ...(prev.suspect || {}) },
    restarts: { ...(prev.restarts || {}) },
    nRestarts: { ...(prev.nRestarts || {}) },
    alerts: { ...(prev.alerts || {}) },
    sent: (prev.sent || []).filter((t) => now - t < 3600_000),
  };
  const restarts = [];
  const logs = [];
  const wanted = [];
  const where = `codewhale-remote ${cfg.hostname}`;

  for (const c of obs.checks) {
    const unit = obs.units[c.unit] || {};
    // Only a running unit can be stuck; one that is starting, restarting or failed is systemd's (and the
    // failed-unit alert's) business.
    if (c.ok !== false || unit.active !== 'active') {
      if (c.ok === true) delete state.suspect[c.unit];
      if (c.ok === null) logs.push(`${c.unit}: could not check (${c.why}); no action`);
      const r = state.restarts[c.unit];
      if (c.ok === true && r && now - r.last >= s.backoffCapSeconds * 1000) delete state.restarts[c.unit];
      continue;
    }
    const since = state.suspect[c.unit] ?? now;
    state.suspect[c.unit] = since;
    const stuckFor = (now - since) / 1000;
    if (stuckFor < s.stuckSeconds) {
      logs.push(`${c.unit}: looks stuck (${c.why}); restart if it still is in ${Math.ceil(s.stuckSeconds - stuckFor)}s`);
      continue;
    }
    const r = state.restarts[c.unit] || { count: 0, last: 0 };
    const wait = backoffSeconds(r.count, s);
    if (now - r.last < wait * 1000) {
      logs.push(`${c.unit}: stuck for ${Math.round(stuckFor)}s (${c.why}); backing off, next restart in ${Math.ceil(wait - (now - r.last) / 1000)}s`);
      continue;
    }
    state.restarts[c.unit] = { count: r.count + 1, last: now };
    delete state.suspect[c.unit];
    restarts.push({ unit: c.unit, why: c.why });
    logs.push(`${c.unit}: stuck for ${Math.round(stuckFor)}s (${c.why}); restarting (restart ${r.count + 1} by the watchdog)`);
    wanted.push({ key: `restart:${c.unit}`, text: `${where}: restarted ${c.unit}: ${c.why}. Look closer: ${cfg.look(c.unit)}` });
  }

  for (const [name, u] of Object.entries(obs.units)) {
    const n = Number(u.nRestarts) || 0;
    const before = state.nRestarts[name];
    state.nRestarts[name] = n;
    if (u.active === 'failed') {
      const what = name === cfg.producerUnit ? 'the config fetch failed' : `${name} failed (${u.result || 'unknown'}) and stays down`;
      wanted.push({ key: `failed:${name}`, text: `${where}: ${what}. Look closer: ${cfg.look(name)}` });
    } else if (before !== undefined && n - before >= s.crashRestarts) {
      wanted.push({ key: `crashloop:${name}`, text: `${where}: ${name} is crash-looping (${n - before} restarts since the last check). Look closer: ${cfg.look(name)}` });
    }
  }
  for (const d of obs.disks) {
    if (d.usedPercent >= s.diskPercent) {
      wanted.push({ key: `disk:${d.path}`, text: `${where}: ${d.path} is ${Math.round(d.usedPercent)}% full. Look closer: ${cfg.lookDisk(d.path)}` });
    }
  }
  for (const e of obs.events || []) wanted.push(e);

  const alerts = [];
  for (const a of wanted) {
    const last = state.alerts[a.key];
    if (last !== undefined && now - last < s.alertRepeatSeconds * 1000) {
      logs.push(`alert ${a.key}: already sent ${Math.round((now - last) / 1000)}s ago; not repeated`);
      continue;
    }
    if (state.sent.length >= s.alertsPerHour) {
      logs.push(`alert ${a.key}: ${s.alertsPerHour} alerts in the last hour; not sent`);
      continue;
    }
    state.alerts[a.key] = now;
    state.sent.push(now);
    alerts.push(a);
  }
  // Alerts whose condition cleared may fire again at once when it comes back.
  const active = new Set(wanted.map((a) => a.key));
  for (const key of Object.keys(state.alerts)) if (!key.startsWith('restart:') && !active.has(key)) delete state.alerts[key];
  return { state, restarts, alerts, logs };
}

// ---- I/O below: the host's side of a check.

/** Every value that must never reach the journal (the bridge's secrets, as systemd gave them to us). */
export function secretValues(env, names) {
  return names.map((n) => env[n]).filter((v) => typeof v === 'string' && v.length >= 8);
}

export function redactor(secrets) {
  return (text) => secrets.reduce((t, v) => t.split(v).join('[secret]'), String(text));
}

/** One request -> {status, body}. The timer covers connect, headers and body. */
export function request(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000 } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`timed out after ${timeoutMs / 1000}s`)), timeoutMs);
    const done = (err, res) => { clearTimeout(timer); req.destroy(); err ? reject(err) : resolve(res); };
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const h = { ...headers, ...(data ? { 'content-type': 'application/json; charset=utf-8', 'content-length': data.length } : {}) };
    const req = (u.protocol === 'https:' ? https : http).request(u, { method, headers: h }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => { text += c; });
      res.on('end', () => done(null, { status: res.statusCode, body: text }));
      res.on('close', () => done(new Error('connection closed mid-response')));
    });
    // Node's messages for these name host and port, never the path (where Telegram puts the token).
    req.on('error', (e) => done(new Error(e.code || 'request failed')));
    req.end(data);
  });
}

const json = (text) => { try { return JSON.parse(text); } catch { return undefined; } };

/**
 * The chat platform's API (whether the bridge still receives, how to tell the owner), from the module the bridge
 * row names (`watch.adapter`, shipped as `cfg.platformModule`): this file knows no platform. null when the
 * bridge has alerts off.
 */
const platforms = new Map();
export async function platformOf(cfg) {
  if (!cfg.platform) return null;
  if (!platforms.has(cfg.platformModule)) {
    const make = (await import(pathToFileURL(cfg.platformModule).href)).default;
    platforms.set(cfg.platformModule, make({ request, json }));
  }
  return platforms.get(cfg.platformModule);
}

/** ESTABLISHED TCP sockets of a uid, except those to `exceptPort` (the runtime; null: none excepted): /proc/net/tcp{,6}. */
export function establishedSockets(uid, exceptPort, tables = ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
  let n = 0;
  for (const file of tables) {
    let text = '';
    try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 8 || f[3] !== '01' || Number(f[7]) !== uid) continue;
      const remotePort = parseInt(f[2].split(':')[1], 16);
      if (remotePort !== exceptPort) n += 1;
    }
  }
  return n;
}

function uidOf(user) {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`no user ${user}`);
  return Number(line.split(':')[2]);
}

function unitStates(units) {
  const out = execFileSync('systemctl', ['show', '-p', 'Id,ActiveState,Result,NRestarts', ...units], { encoding: 'utf8' });
  const states = {};
  for (const block of out.split('\n\n')) {
    const p = Object.fromEntries(block.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    if (p.Id) states[p.Id] = { active: p.ActiveState, result: p.Result, nRestarts: p.NRestarts };
  }
  return states;
}

function diskUse(path) {
  const s = fs.statfsSync(path);
  const used = s.blocks - s.bfree;
  return { path, usedPercent: used + s.bavail === 0 ? 0 : (100 * used) / (used + s.bavail) };
}

async function observe(cfg, env, s, log) {
  const { checks, disks } = await observeServices(cfg, env, s, log);
  let events = [];
  const eventsFile = `${cfg.stateDir}/events.json`;
  try { events = JSON.parse(fs.readFileSync(eventsFile, 'utf8')); fs.rmSync(eventsFile); } catch { events = []; }
  return { units: unitStates(cfg.units), checks, disks, events };
}

async function observeServices(cfg, env, s, log) {
  const timeoutMs = s.requestTimeoutSeconds * 1000;
  const checks = [];
  try {
    const r = await request(`${cfg.runtimeUrl}/health`, { timeoutMs });
    const ok = r.status === 200 && json(r.body)?.status === 'ok';
    checks.push({ unit: cfg.runtimeUnit, ok, why: ok ? '' : `/health answered ${r.status}` });
  } catch (e) {
    checks.push({ unit: cfg.runtimeUnit, ok: false, why: `/health: ${e.message}` });
  }
  const platform = await platformOf(cfg);
  if (cfg.liveness === 'pending-updates') {
    try {
      const n = await platform.pending(env, timeoutMs);
      checks.push({ unit: cfg.bridgeUnit, ok: n === 0, why: n === 0 ? '' : `${n} update(s) waiting at the Bot API, not received` });
    } catch (e) {
      // The platform or the network is down, not necessarily the bridge: no action on it.
      checks.push({ unit: cfg.bridgeUnit, ok: null, why: `asking the platform: ${e.message}` });
    }
  } else if (cfg.liveness === 'connection') {
    const n = establishedSockets(uidOf(cfg.bridgeUser), cfg.runtimePort);
    checks.push({ unit: cfg.bridgeUnit, ok: n > 0, why: n > 0 ? '' : 'no open connection to the platform (not receiving)' });
  } else if (cfg.liveness === 'any-connection') {
    // The poll's connection while it waits, the runtime's event stream while it serves a turn: one of them is open.
    const n = establishedSockets(uidOf(cfg.bridgeUser), null);
    checks.push({ unit: cfg.bridgeUnit, ok: n > 0, why: n > 0 ? '' : 'no open connection, neither polling the platform nor serving a turn' });
  }
  const disks = [];
  for (const p of cfg.disks) {
    try { disks.push(diskUse(p)); } catch (e) { log(`disk ${p}: ${e.message}`); }
  }
  return { checks, disks };
}

const release = (link) => (link || 'none').replace(/^releases\//, '');
const readlink = (p) => { try { return fs.readlinkSync(p); } catch { return ''; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The gate's checks, once: each service running and answering. A platform that cannot be asked (ok: null) does not fail it. */
async function gateChecks(cfg, env, s, log) {
  const { checks } = await observeServices(cfg, env, s, log);
  const units = unitStates([cfg.runtimeUnit, cfg.bridgeUnit]);
  const all = checks.map((c) => ({ ...c, active: units[c.unit]?.active || 'unknown' }));
  return { checks: all, failing: all.filter((c) => c.ok === false || c.active !== 'active') };
}

/**
 * --check (codewhale-health-check.service, the ops verb upgrade-check): the gate's checks once, now; no restart,
 * no rollback, no alert. The result goes to check.json in the state dir (root-only), where the verb reads it.
 */
async function checkNow(cfg, env, s, log) {
  const { checks, failing } = await gateChecks(cfg, env, s, log);
  const result = { at: new Date().toISOString(), ok: failing.length === 0, checks: checks.map((c) => ({ unit: c.unit, active: c.active, ok: c.ok, why: redact(c.why) })) };
  for (const c of result.checks) log(`check: ${c.unit} ${c.active}: ${c.ok === true ? 'ok' : c.ok === null ? `not checked (${c.why})` : c.why}`);
  writeState(`${cfg.stateDir}/check.json`, result);
  return result.ok ? 0 : 1;
}

/** The upgrade gate: every check passes, with both services running, within upgradeGateSeconds, or roll back. */
async function gate(cfg, env, s, log, look) {
  const started = Date.now();
  const to = release(readlink(`${cfg.installRoot}/current`));
  const from = readlink(`${cfg.installRoot}/previous`);
  let why = '';
  for (;;) {
    const { failing } = await gateChecks(cfg, env, s, log);
    if (failing.length === 0) {
      log(`upgrade to ${to} passed its health gate in ${Math.round((Date.now() - started) / 1000)}s`);
      return 0;
    }
    why = failing.map((c) => `${c.unit}: ${c.ok === false ? c.why : c.active}`).join('; ');
    if (Date.now() - started >= s.upgradeGateSeconds * 1000) break;
    await sleep(2000);
  }
  log(`upgrade to ${to} failed its health gate within ${s.upgradeGateSeconds}s: ${why}`);
  const where = `codewhale-remote ${os.hostname()}`;
  let text;
  if (!from) {
    text = `${where}: the upgrade to ${to} failed its health gate (${why}) and there is no previous release to switch back to. Look closer: ${look(cfg.runtimeUnit)}`;
  } else {
    execFileSync('systemctl', ['start', cfg.rollbackUnit], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
    execFileSync('systemctl', ['restart', cfg.runtimeUnit, cfg.bridgeUnit], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 240_000 });
    log(`switched back to ${release(from)} and restarted ${cfg.runtimeUnit} ${cfg.bridgeUnit}`);
    text = `${where}: the upgrade to ${to} failed its health gate within ${s.upgradeGateSeconds}s (${why}); switched back to ${release(from)}. Look closer: ssh to the host, then: sudo journalctl -u codewhale-upgrade-gate -u codewhale-install -n 80`;
  }
  try {
    await sendAlert(cfg, env, text, s.requestTimeoutSeconds * 1000, log);
  } catch (e) {
    log(`alert rollback could not be sent: ${e.message}`);
  }
  return 1;
}

function readState(file) {
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return {}; }
}

function writeState(file, state) {
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
}

/** Sends `text` to the allowlisted chats; off (logged) when the allowlist is empty or the bridge has no alert platform. */
export async function sendAlert(cfg, env, text, timeoutMs, log) {
  if (!cfg.platform) {
    log(`alert not sent (alerts are off for this bridge: ${cfg.alertsOff || 'no platform'}): ${text}`);
    return false;
  }
  const chats = (env[cfg.allowlistEnv] || '').split(',').map((c) => c.trim()).filter(Boolean);
  if (chats.length === 0) {
    log(`alert not sent (no allowlisted chat): ${text}`);
    return false;
  }
  await (await platformOf(cfg)).send(env, chats, text, timeoutMs);
  log(`alert sent to ${chats.length} chat(s): ${text}`);
  return true;
}

let redact = (t) => String(t);

async function main() {
  const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const env = process.env;
  cfg.stateDir = env.STATE_DIRECTORY || cfg.stateDir;
  redact = redactor(secretValues(env, [...(cfg.secretEnv || []), ...((await platformOf(cfg))?.secrets ?? [])]));
  const log = (m) => process.stdout.write(`${redact(m)}\n`);
  const s = settingsFrom(env);
  const look = (unit) => `ssh to the host, then: sudo systemctl status ${unit}; sudo journalctl -u ${unit} -n 50`;
  if (process.argv[3] === '--check') {
    process.exitCode = await checkNow(cfg, env, s, log);
    return;
  }
  if (process.argv[3] === '--gate') {
    process.exitCode = await gate(cfg, env, s, log, look);
    return;
  }
  // A rollout's upgrade gate is checking the same services (and rolls back what fails): a restart or an alert
  // from here meanwhile would only race it. The next timer run looks again.
  if (cfg.gateUnit && unitStates([cfg.gateUnit])[cfg.gateUnit]?.active === 'activating') {
    log(`${cfg.gateUnit} is running: this check is left to it`);
    return;
  }
  const stateFile = `${cfg.stateDir}/state.json`;
  const now = Date.now();
  const obs = await observe(cfg, env, s, log);
  const out = decide(readState(stateFile), obs, now, s, { hostname: os.hostname(), producerUnit: cfg.producerUnit, look, lookDisk: (p) => `ssh to the host, then: df -h ${p}` });
  for (const l of out.logs) log(l);
  for (const r of out.restarts) {
    try {
      execFileSync('systemctl', ['restart', r.unit], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
      log(`restarted ${r.unit}`);
    } catch (e) {
      log(`restarting ${r.unit} failed: ${e.message}`);
    }
  }
  writeState(stateFile, out.state);
  let failed = 0;
  for (const a of out.alerts) {
    try {
      await sendAlert(cfg, env, a.text, s.requestTimeoutSeconds * 1000, log);
    } catch (e) {
      failed += 1;
      log(`alert ${a.key} could not be sent: ${e.message}`);
    }
  }
  if (out.logs.length === 0 && out.restarts.length === 0 && out.alerts.length === 0) log('all services answer; nothing to do');
  process.exitCode = failed > 0 ? 1 : 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  main().catch((e) => {
    process.stderr.write(`codewhale-watchdog: ${redact(e.message)}\n`);
    process.exit(1);
  });
}
