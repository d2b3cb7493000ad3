/**
 * Loads the program's TypeScript in plain `node`: `node --require ./scripts/register-ts.cjs <file.ts>`.
 * Pulumi.yaml passes it to the Pulumi CLI's Node.js language host as `nodeargs` (with `typescript: false`,
 * so the host's ts-node, which type-checks the whole program and the SDKs' typings on every run, stays
 * off), and `npm run plan` runs the offline plan with it.
 *
 * Every `.ts` file outside node_modules is compiled when it is required, from the file on disk: an edited
 * file takes effect on the next `pulumi up`, there is no build output that could be stale. Types are not
 * checked here; `npm run build` (tsc --noEmit) checks them, and CI runs it on every change.
 *
 * Why these lines rather than a loader package's own register entry: sucrase keeps every line where it
 * was, so stack traces point at the right .ts line without source maps. Its own register (and tsx) append
 * an inline source map to each file, and the CLI installs source-map-support and takes a stack trace for
 * each resource it registers, so those maps are parsed again and again (measured: about 0.3 s of a 2.7 s
 * run). tsx also hooks every .js file of node_modules, which cost about 1 s per run here.
 *
 * Compiled code is cached by content: the key is a hash of the source, the compiler's version and its
 * options, so an edited file is a miss and compiled afresh, never an old copy. `npm ci` fills the cache
 * (the `prepare` script runs this file as `node scripts/register-ts.cjs --warm`); without it, or when the
 * cache cannot be written, everything still works, only compiling on each run (about 0.2 s). The cache
 * lives in node_modules/.cache (CODEWHALE_TS_CACHE_DIR overrides it), which `npm ci` recreates.
 */
"use strict";
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { addHook } = require("pirates");
// Loaded on the first cache miss only: a run whose files are all cached does not load the compiler.
let sucrase;
const compiler = () => (sucrase ??= require("sucrase"));

// TypeScript syntax out, ES imports to CommonJS with esModuleInterop semantics (tsconfig's
// esModuleInterop), modern syntax kept as is (Node 20 runs it).
const OPTIONS = { transforms: ["typescript", "imports"], disableESTransforms: true };
const ROOT = path.resolve(__dirname, "..");
const CACHE = process.env.CODEWHALE_TS_CACHE_DIR || path.join(ROOT, "node_modules", ".cache", "codewhale-remote-ts");
// The compiler's version without loading it (its package.json is a few hundred bytes).
const SALT = `sucrase ${require("sucrase/package.json").version} ${JSON.stringify(OPTIONS)}\n`;

function compile(code, filePath) {
  const key = createHash("sha256").update(SALT).update(code).digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not compiled yet
  }
  const out = compiler().transform(code, { ...OPTIONS, filePath }).code;
  try {
    // Written whole, then renamed: a concurrent run reads the old state or the new file, never half of it.
    fs.mkdirSync(CACHE, { recursive: true });
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, out);
    fs.renameSync(partial, cached);
  } catch {
    // a read-only checkout: compile every run
  }
  return out;
}

addHook(compile, { exts: [".ts"], ignoreNodeModules: true });

// A dynamic `import("./x.js")` of a TypeScript module: TypeScript (moduleResolution nodenext) requires the
// extension of the emitted file there, and sucrase turns it into `require("./x.js")`. Resolve it to x.ts when no
// x.js exists, as TypeScript itself resolves it. Only relative requests from the project's own files.
const Module = require("node:module");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request.endsWith(".js") && request.startsWith(".") && parent?.filename?.endsWith(".ts")) {
    const ts = path.resolve(path.dirname(parent.filename), request.slice(0, -3) + ".ts");
    if (!fs.existsSync(path.resolve(path.dirname(parent.filename), request)) && fs.existsSync(ts)) return ts;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

/** `--warm`: compiles every TypeScript file of the project (not node_modules) into the cache. */
if (require.main === module && process.argv.includes("--warm")) {
  const skip = new Set(["node_modules", ".git", ".cache", "bin", "out", "sdks"]);
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && !skip.has(entry.name) && !entry.name.startsWith(".")) walk(path.join(dir, entry.name));
      else if (entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const file = path.join(dir, entry.name);
        compile(fs.readFileSync(file, "utf8"), file);
      }
    }
  };
  walk(ROOT);
}
