#!/usr/bin/node
// codewhale-ops: the operator verbs on the host (`npm run ops -- <verb>` calls it over SSH), never a shell.
// Reached two ways, one code path: the admin user's SSH session runs it (`ssh admin@host <this file> <verb> ...`),
// or a forced command (`command="<this file>",restrict` in authorized_keys) hands it SSH_ORIGINAL_COMMAND. Either
// way it validates the words, then runs itself again as root through `sudo -n` with exactly those words, and as
// root validates again (argv only: sudo's env_reset drops SSH_ORIGINAL_COMMAND). The agent never gets here: it
// cannot log in over SSH, has no sudo (NoNewPrivileges, not in sudoers), and its unit cannot see this directory.
// Node, not sh: JSON out, exact-match redaction and argv-only child processes are plain code here (the watchdog
// beside it is Node for the same reasons). Built-ins only. Every line it prints passes clean(): secrets of the
// env files become [secret], control characters (a hostile agent writes its own journal lines) become '?'.
// Usage: ops.mjs status [--json] | logs [unit] [--lines N] | restart | upgrade-check [--json]
import fs from 'node:fs';
import os from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export const MAX_LINES = 1000;
const SELF = fileURLToPath(import.meta.url);
const fail = (why) => { throw Object.assign(new Error(why), { usage: true }); };

/** SSH_ORIGINAL_COMMAND -> words: split on blanks, never evaluated; this file's own path in front is dropped. */
export function wordsOf(command, self = SELF) {
  const words = command.trim().split(/\s+/).filter(Boolean);
  return words[0] === self || words[0] === 'ops' ? words.slice(1) : words;
}

/** Words -> {verb, unit?, lines, json}, or an error naming what is wrong. `units`: the units logs may read. */
export function parseRequest(words, units) {
  const bad = words.find((w) => !/^[A-Za-z0-9][A-Za-z0-9._@=-]*$/.test(w) && !/^--?[a-z]+(=[0-9]+)?$/.test(w));
  if (bad !== undefined) fail(`refused: '${bad.slice(0, 40)}' is not a verb, unit or option (letters, digits, . _ @ - only)`);
  const [verb, ...rest] = words;
  const verbs = { status: ['json'], logs: ['lines'], restart: [], 'upgrade-check': ['json'] };
  if (!verb) fail(`no verb: one of ${Object.keys(verbs).join(', ')}`);
  if (!Object.hasOwn(verbs, verb)) fail(`unknown verb '${verb}': one of ${Object.keys(verbs).join(', ')}`);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { json: { type: 'boolean' }, lines: { type: 'string' } } });
  } catch (e) {
    fail(`${verb}: ${e.message.split('\n')[0]}`);
  }
  const { values, positionals } = parsed;
  for (const k of Object.keys(values)) if (!verbs[verb].includes(k)) fail(`${verb} takes no --${k}`);
  if (positionals.length > (verb === 'logs' ? 1 : 0)) fail(`${verb}: unexpected '${positionals.at(-1)}'`);
  const out = { verb, json: values.json === true, lines: 100 };
  if (values.lines !== undefined) {
    if (!/^[0-9]{1,4}$/.test(values.lines) || Number(values.lines) < 1 || Number(values.lines) > MAX_LINES) fail(`logs --lines: a whole number from 1 to ${MAX_LINES}, not '${values.lines}'`);
    out.lines = Number(values.lines);
  }
  if (positionals[0] !== undefined) {
    const u = units.find((n) => n === positionals[0] || n === `${positionals[0]}.service`);
    if (!u) fail(`logs: '${positionals[0]}' is not one of this host's units: ${units.join(', ')}`);
    out.unit = u;
  }
  return out;
}

/** The request back as words (what the root run gets from sudo). */
export const wordsFor = (r) => [r.verb, ...(r.unit ? [r.unit] : []), ...(r.verb === 'logs' ? ['--lines', String(r.lines)] : []), ...(r.json ? ['--json'] : [])];

/** NAME=value lines of the env files -> the values of the named (secret) entries, at least 8 characters. */
export function secretsIn(texts, names) {
  const out = [];
  for (const t of texts) for (const line of t.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && names.includes(line.slice(0, i)) && line.length - i > 8) out.push(line.slice(i + 1));
  }
  return out;
}

export const cleaner = (secrets) => (text) =>
  // eslint-disable-next-line no-control-regex
  secrets.reduce((t, v) => t.split(v).join('[secret]'), String(text)).replace(/\r\n/g, '\n').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '?');

const run = (cmd, args, timeout = 60_000) => spawnSync(cmd, args, { encoding: 'utf8', timeout, maxBuffer: 8 << 20 });

function unitStates(units) {
  const r = run('systemctl', ['show', '-p', 'Id,ActiveState,SubState,Result,NRestarts', ...units]);
  const states = {};
  for (const block of r.stdout.split('\n\n')) {
    const p = Object.fromEntries(block.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    if (p.Id) states[p.Id] = { active: p.ActiveState, sub: p.SubState, result: p.Result, restarts: Number(p.NRestarts || 0) };
  }
  return states;
}

/** Messages of a unit's own processes (_SYSTEMD_UNIT is set by journald, so no other process can forge one). */
function messages(unit, n) {
  const r = run('journalctl', ['--no-pager', '-o', 'json', '--output-fields=MESSAGE', '-n', String(n), `_SYSTEMD_UNIT=${unit}`]);
  return r.stdout.split('\n').filter(Boolean).map((l) => {
    const e = JSON.parse(l);
    const m = Array.isArray(e.MESSAGE) ? Buffer.from(e.MESSAGE).toString('utf8') : String(e.MESSAGE ?? '');
    return { at: new Date(Number(e.__REALTIME_TIMESTAMP) / 1000).toISOString(), message: m };
  });
}

const release = (p) => { try { return fs.readlinkSync(p).replace(/^releases\//, ''); } catch { return null; } };

function status(cfg) {
  const units = unitStates([...cfg.services, ...cfg.timers]);
  const disks = cfg.disks.map((path) => {
    try {
      const s = fs.statfsSync(path);
      const used = s.blocks - s.bfree;
      return { path, usedPercent: Math.round((100 * used) / (used + s.bavail || 1)), sizeGiB: Math.round((10 * s.blocks * s.bsize) / 2 ** 30) / 10 };
    } catch (e) { return { path, error: e.code }; }
  });
  const gate = messages(cfg.gateUnit, 200).filter((m) => / its health gate /.test(m.message)).at(-1) ?? null;
  const down = Object.entries(units).filter(([, u]) => u.active !== 'active').map(([n, u]) => `${n} ${u.active}`);
  return {
    host: os.hostname(),
    healthy: down.length === 0,
    ...(down.length ? { problems: down } : {}),
    release: { current: release(`${cfg.installRoot}/current`), previous: release(`${cfg.installRoot}/previous`) },
    units,
    disks,
    watchdog: messages(cfg.watchdogUnit, 8),
    upgradeGate: gate && { ...gate, passed: / passed its health gate/.test(gate.message) },
  };
}

function statusText(s) {
  return [
    `host ${s.host}: ${s.healthy ? 'healthy' : `UNHEALTHY (${s.problems.join(', ')})`}`,
    `release ${s.release.current ?? 'none'} (previous ${s.release.previous ?? 'none'})`,
    ...Object.entries(s.units).map(([n, u]) => `  ${n.padEnd(32)} ${u.active} (${u.sub}), ${u.restarts} automatic restart(s)`),
    `disks: ${s.disks.map((d) => (d.error ? `${d.path} ${d.error}` : `${d.path} ${d.usedPercent}% of ${d.sizeGiB} GiB`)).join(', ')}`,
    'watchdog, last lines:',
    ...s.watchdog.map((m) => `  ${m.at} ${m.message}`),
    `upgrade gate: ${s.upgradeGate ? `${s.upgradeGate.at} ${s.upgradeGate.message}` : 'has not run (no release switch yet)'}`,
  ].join('\n');
}

/** The upgrade gate's checks, now, in their own unit (the bridge's credentials reach it only through systemd). */
function upgradeCheck(cfg) {
  const file = `${cfg.stateDir}/check.json`;
  fs.rmSync(file, { force: true });
  const r = run('systemctl', ['start', cfg.checkUnit], 120_000);
  let result;
  try { result = JSON.parse(fs.readFileSync(file, 'utf8')); } catch {
    fail(`upgrade-check: ${cfg.checkUnit} did not report (${(r.stderr || '').trim().split('\n')[0] || `exit ${r.status}`}); look closer: logs ${cfg.checkUnit}`);
  }
  return result;
}

export async function main(argv, env, out = (t) => process.stdout.write(`${t}\n`)) {
  const cfg = JSON.parse(fs.readFileSync(new URL('./ops.json', import.meta.url), 'utf8'));
  const logUnits = [...cfg.services, ...cfg.timers, ...cfg.helpers];
  const root = process.getuid() === 0;
  const req = parseRequest(!root && env.SSH_ORIGINAL_COMMAND !== undefined ? wordsOf(env.SSH_ORIGINAL_COMMAND) : argv, logUnits);
  if (!root) {
    const r = spawnSync('sudo', ['-n', '--', SELF, ...wordsFor(req)], { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0 && /password is required|not allowed|sudoers/.test(r.stderr)) fail(`${req.verb}: needs root: the login user must be allowed 'sudo -n ${SELF}'`);
    process.stderr.write(r.stderr);
    return r.status ?? 1;
  }
  const clean = cleaner(secretsIn(cfg.secretFiles.map((f) => { try { return fs.readFileSync(f, 'utf8'); } catch { return ''; } }), cfg.secretEnv));
  const print = (t) => out(clean(t));
  run('logger', ['-t', 'codewhale-ops', `${env.SUDO_USER || 'root'} ran: ${wordsFor(req).join(' ')}`]);
  if (req.verb === 'status') {
    const s = status(cfg);
    print(req.json ? JSON.stringify(s) : statusText(s));
    return s.healthy ? 0 : 1;
  }
  if (req.verb === 'logs') {
    const r = run('journalctl', ['--no-pager', '-o', 'short-iso', '-n', String(req.lines), ...(req.unit ? [req.unit] : logUnits).flatMap((u) => ['-u', u])]);
    print(r.stdout.replace(/\n$/, ''));
    return r.status ?? 1;
  }
  if (req.verb === 'restart') {
    let r = run('systemctl', ['restart', ...cfg.restart], 300_000);
    if (r.status !== 0) {
      // A start that fails once leaves the units after it stopped (their dependency failed), while systemd's
      // Restart= brings the failed one back on its own: start them all once more, and say so.
      print(`restart: systemctl restart failed (${(r.stderr || '').trim().split('\n')[0]}); starting the services again`);
      r = run('systemctl', ['start', ...cfg.restart], 300_000);
    }
    const units = unitStates(cfg.restart);
    for (const [n, u] of Object.entries(units)) print(`${n} ${u.active} (${u.sub})`);
    if (r.status !== 0) fail(`restart: systemctl start failed too (${(r.stderr || '').trim().split('\n')[0]}); look closer: logs`);
    return Object.values(units).every((u) => u.active === 'active') ? 0 : 1;
  }
  const c = upgradeCheck(cfg);
  print(req.json ? JSON.stringify(c) : [`upgrade-check at ${c.at}: ${c.ok ? 'passes' : 'FAILS'}`, ...c.checks.map((k) => `  ${k.unit} ${k.active}: ${k.ok === true ? 'ok' : k.ok === null ? `not checked (${k.why})` : k.why}`)].join('\n'));
  return c.ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  main(process.argv.slice(2), process.env).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`codewhale-ops: ${e.usage ? e.message : `failed: ${e.message}`}\n`);
    process.exitCode = 2;
  });
}
