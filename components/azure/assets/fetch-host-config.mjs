#!/usr/bin/env node
// codewhale-config: writes the CodeWhale host's env files from Azure Key Vault,
// run as root at boot and on each rollout by codewhale-config.service.
// Built-ins only: the host has Ubuntu's apt nodejs 18 and no npm packages
// (node:http, not fetch, which warns "experimental" on Node 18).
// Token (IMDS) -> secret host-config (the manifest) -> each secret it names ->
// validate all -> write all atomically -> remove files an older manifest wrote.
// Never logs a secret value, a token or a vault response body.
// Exit: 0 ok, 1 config/validation/HTTP error, 2 retry deadline exceeded.
import http from 'node:http';
import https from 'node:https';
import fs from 'node:fs';
import { join } from 'node:path';

const env = process.env, started = Date.now();
const log = (m) => process.stderr.write(`codewhale-config: ${m}\n`);
class Fail extends Error { constructor(m, code = 1) { super(m); this.code = code; } }
const secs = (ms) => `${+(ms / 1000).toFixed(2)}s`;
const num = (k, d) => {
  const v = Number(env[k] || d);
  if (!(v >= 0 && v < Infinity)) throw new Fail(`${k} must be a number >= 0`);
  return v;
};
const SECRET = /^[0-9A-Za-z-]{1,127}$/; // Key Vault's rule; also keeps the URL path intact
const FILE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/; // never a path nor a dotfile
const ENV = /^[A-Za-z_][A-Za-z0-9_]*$/;
let deadline, reqMs, baseMs, capMs, vault, tokenUrl, token;

// One GET -> {status, body}. The timer covers connect, headers and body, so a
// server that accepts and never answers cannot hang the boot.
function get(url, headers) {
  const ms = Math.max(1, Math.min(reqMs, deadline - Date.now()));
  return new Promise((resolve, reject) => {
    // `clipped`: the run's deadline, not the request timeout, cut this request short.
    const timer = setTimeout(() => done(Object.assign(new Error(`timed out after ${secs(ms)}`), { clipped: ms < reqMs })), ms);
    const done = (err, res) => { clearTimeout(timer); req.destroy(); err ? reject(err) : resolve(res); };
    const req = (url.protocol === 'https:' ? https : http).get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; });
      res.on('end', () => done(null, { status: res.statusCode, body }));
      res.on('close', () => done(new Error('connection closed mid-response'))); // no-op after end
    });
    req.on('error', done);
  });
}

// JSON.parse's error quotes its input, which may be a secret: hide it.
function parse(text, what) {
  let j = null;
  try { j = JSON.parse(text); } catch {}
  if (typeof j !== 'object' || !j) throw new Fail(`${what} is not a JSON object`);
  return j;
}
// Of an error response only the code is logged, e.g. "(ForbiddenByRbac)".
function errCode(body) {
  try {
    const e = JSON.parse(body).error, c = e?.innererror?.code ?? e?.code ?? e;
    if (/^[\w.-]{1,64}$/.test(c)) return ` (${c})`;
  } catch {}
  return '';
}

// Capped exponential backoff with jitter until the run's deadline. attempt()
// returns {value} or {status, body}; a Fail it throws is final, any other
// throw is a network error or timeout and is retried.
async function retrying(what, attempt, retryable, hint) {
  let answered; // the last real answer (an HTTP status)
  for (let n = 1; ; n++) {
    let r;
    try { r = await attempt(); } catch (e) {
      if (e instanceof Fail) throw e;
      // A last attempt cut short by the deadline learns nothing: the run gives up with the last real answer
      // (e.g. IMDS's 410), not "timed out after 0.0s".
      r = e.clipped && answered ? answered : { status: e.code || e.message };
    }
    if ('value' in r) return r.value;
    if (typeof r.status === 'number') answered = r;
    const why = `${what} -> ${r.status}${errCode(r.body)}`;
    if (typeof r.status === 'number' && !retryable(r.status)) throw new Fail(`${why}: ${hint(r.status)}`);
    const exp = Math.min(capMs, baseMs * 2 ** (n - 1)), delay = exp / 2 + (Math.random() * exp) / 2;
    if (Date.now() + delay >= deadline) {
      throw new Fail(`gave up after ${secs(Date.now() - started)}, ${n} attempts: ${why}: ${hint(r.status)}`, 2);
    }
    log(`${why}, retrying in ${secs(delay)} (attempt ${n})`);
    await new Promise((ok) => setTimeout(ok, delay));
  }
}

// IMDS answers 404/410 while it starts, up to ~70 s after boot.
async function getToken() {
  token ??= await retrying('GET token', async () => {
    const r = await get(tokenUrl, { Metadata: 'true' });
    if (r.status !== 200) return r;
    const t = parse(r.body, 'IMDS token response').access_token;
    if (typeof t !== 'string' || !t) throw new Fail('IMDS token response has no access_token');
    return { value: t };
  }, (s) => [404, 410, 429].includes(s) || s >= 500,
  (s) => (s < 500 ? 'is a managed identity assigned to the VM?' : 'the metadata service is unavailable'));
  return token;
}

// 403: a new role assignment takes minutes to apply; 404: the VM boots while
// the deployment still creates secrets. Both are worth waiting for.
function readSecret(name) {
  return retrying(`GET secret ${name}`, async () => {
    const auth = { Authorization: `Bearer ${await getToken()}` };
    const r = await get(new URL(`secrets/${name}?api-version=7.4`, vault), auth);
    if (r.status === 401) token = undefined; // expired or revoked: get a new one
    if (r.status !== 200) return r;
    const v = parse(r.body, `secret ${name} response`).value;
    if (typeof v !== 'string') throw new Fail(`secret ${name} response has no value`);
    return { value: v };
  }, (s) => [401, 403, 404, 429].includes(s) || s >= 500, (s) => ({
    401: 'the vault rejects the VM identity token (another tenant?)',
    403: "the VM identity lacks 'Key Vault Secrets User' on the vault, or the role assignment has not propagated yet",
    404: `secret ${name} is not in the vault: has the deployment finished?`,
  })[s] ?? 'the vault is unavailable or unreachable from the VM (network rules? DNS?)');
}

// systemd EnvironmentFile= keeps the rest of the line, even "# ...", but trims
// whitespace, eats backslashes and unquotes a leading quote: refuse values that
// would not arrive verbatim. Messages name the entry, never the value.
function checkValue(v, where) {
  if (/[\n\r\0]/.test(v)) throw new Fail(`${where} contains a newline, carriage return or NUL`);
  if (/\\|^['"\s]|\s$/.test(v)) throw new Fail(`${where} has a backslash, leading quote or edge whitespace`);
}

// Checks the manifest's shape; returns the secret names it references.
function checkManifest(m) {
  const bad = (msg) => { throw new Fail(`manifest host-config: ${msg}`); };
  if (m.schema !== 1 || !Array.isArray(m.files) || !m.files.length) bad('needs schema 1 and a non-empty files list');
  const files = new Set(), secrets = new Set();
  for (const f of m.files) {
    const n = f?.name;
    if (typeof n !== 'string' || !FILE.test(n) || files.has(n)) bad(`bad or duplicate file name ${JSON.stringify(n)}`);
    files.add(n);
    if (f.format === 'raw' && typeof f.content === 'string') continue;
    if (f.format !== 'env' || !Array.isArray(f.entries)) bad(`${n}: needs format "env" + entries or "raw" + content`);
    const seen = new Set();
    for (const e of f.entries) {
      const k = e?.name, w = `${n}: ${k}`;
      if (typeof k !== 'string' || !ENV.test(k) || seen.has(k)) bad(`${n}: bad or duplicate entry name ${JSON.stringify(k)}`);
      seen.add(k);
      if ('value' in e === 'secret' in e) bad(`${w} needs either "value" or "secret"`);
      if ('value' in e) typeof e.value === 'string' ? checkValue(e.value, w) : bad(`${w}: value is not a string`);
      else if (typeof e.secret === 'string' && SECRET.test(e.secret)) secrets.add(e.secret);
      else bad(`${w}: bad secret name ${JSON.stringify(e.secret)}`);
    }
  }
  return secrets;
}

// Node has no getgrnam(); the group is a local system group.
function gidOf(group) {
  if (/^\d+$/.test(group)) return +group;
  const line = fs.readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${group}:`));
  if (!line) throw new Fail(`group ${group} does not exist`);
  return +line.split(':')[2];
}

// Exclusive create (never through a planted symlink), the mode exact despite the umask. Who may read what
// (the payload's configFileAccess): env files are read by systemd as root only (0600 root:root), so no service
// reads another's secrets; raw files (config.toml, no secrets) are read by the runtime (0640 root:<group>).
function writeDurable(path, data, gid) {
  const mode = gid === null ? 0o600 : 0o640;
  const fd = fs.openSync(path, 'wx', mode);
  try {
    fs.fchmodSync(fd, mode);
    if (gid !== null) fs.fchownSync(fd, 0, gid);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally { fs.closeSync(fd); }
}

// All files go to tmp names first; only when all are on disk are they renamed,
// so a failure leaves the previous files intact. `.managed` lists what we
// wrote, so a later manifest can remove what it no longer lists.
// files: [name, data, gid|null]. The dir is traversable by the services, listable by root only.
function writeAll(dir, files) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
  fs.chmodSync(dir, 0o711);
  for (const n of fs.readdirSync(dir)) if (/^\..+\.tmp-\d+$/.test(n)) fs.rmSync(join(dir, n)); // crash leftovers
  const tmp = (n) => join(dir, `.${n}.tmp-${process.pid}`), list = (ns) => ns.map((n) => `${n}\n`).join('');
  const commit = (...ns) => {
    for (const n of ns) fs.renameSync(tmp(n), join(dir, n));
    const fd = fs.openSync(dir); // make the renames durable too
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  };
  let old = [];
  try { old = fs.readFileSync(join(dir, '.managed'), 'utf8').split('\n').filter((n) => FILE.test(n)); } catch {}
  const names = files.map(([n]) => n), stale = old.filter((n) => !names.includes(n));
  // Old and new stay listed until the stale files are gone, in case we crash.
  const staged = [...files, ['.managed', list([...new Set([...old, ...names])]), null]];
  try {
    for (const [n, data, gid] of staged) writeDurable(tmp(n), data, gid);
  } catch (e) {
    for (const [n] of staged) fs.rmSync(tmp(n), { force: true });
    throw e;
  }
  commit('.managed', ...names);
  for (const n of stale) { fs.rmSync(join(dir, n), { force: true }); log(`removed stale ${n}`); }
  writeDurable(tmp('.managed'), list(names), null);
  commit('.managed');
}

async function main() {
  // (the 'unset:' base turns an unset or scheme-less value into a URL the check below rejects)
  vault = new URL(`${env.CODEWHALE_VAULT_URL || ''}`.replace(/\/*$/, '/'), 'unset:/');
  // Never send the token in clear text, except to a local test fake.
  if (vault.protocol !== 'https:' && !(vault.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(vault.hostname))) {
    throw new Fail('CODEWHALE_VAULT_URL must be set to the https:// vault URL');
  }
  const q = `api-version=2018-02-01&resource=${encodeURIComponent('https://vault.azure.net')}`;
  tokenUrl = new URL(`/metadata/identity/oauth2/token?${q}`, env.CODEWHALE_IMDS_ENDPOINT || 'http://169.254.169.254');
  const dir = env.CODEWHALE_CONFIG_DIR || '/run/codewhale';
  // The group of raw files; a test running unprivileged cannot give one and leaves them 0600.
  const group = process.getuid() === 0 ? gidOf(env.CODEWHALE_FILE_GROUP || 'codewhale') : null;
  deadline = started + num('CODEWHALE_FETCH_DEADLINE_SECONDS', 900) * 1000;
  reqMs = num('CODEWHALE_FETCH_REQUEST_TIMEOUT_SECONDS', 10) * 1000;
  baseMs = num('CODEWHALE_FETCH_BACKOFF_BASE_MS', 1000);
  capMs = num('CODEWHALE_FETCH_BACKOFF_CAP_MS', 30000);

  const manifest = parse(await readSecret('host-config'), 'manifest host-config');
  const refs = checkManifest(manifest), values = new Map();
  for (const s of refs) values.set(s, await readSecret(s));
  // Render everything in memory (and validate secret values) before writing.
  const files = manifest.files.map((f) => [f.name, f.format === 'raw' ? f.content : f.entries.map((e) => {
    if ('value' in e) return `${e.name}=${e.value}\n`;
    checkValue(values.get(e.secret), `${f.name}: ${e.name} (secret ${e.secret})`);
    return `${e.name}=${values.get(e.secret)}\n`;
  }).join(''), f.format === 'raw' ? group : null]);
  writeAll(dir, files);
  log(`wrote ${files.map(([n]) => n).join(', ')} (${refs.size + 1} secrets)`);
}

main().then(() => process.exit(0), (e) => {
  log(e instanceof Fail ? e.message : `error: ${e?.message ?? e}`);
  process.exit(e instanceof Fail ? e.code : 1);
});
