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
 * Why these few lines rather than a loader package's own register entry: sucrase keeps every line where it
 * was, so stack traces point at the right .ts line without source maps. Its own register (and tsx) append
 * an inline source map to each file, and the CLI installs source-map-support and takes a stack trace for
 * each resource it registers, so those maps are parsed again and again (measured: about 0.3 s of a 2.7 s
 * run). tsx also hooks every .js file of node_modules, which cost about 1 s per run here.
 */
"use strict";
const { addHook } = require("pirates");
const { transform } = require("sucrase");

addHook(
  (code, filePath) =>
    transform(code, {
      // TypeScript syntax out, ES imports to CommonJS with esModuleInterop semantics (tsconfig's
      // esModuleInterop), modern syntax kept as is (Node 20 runs it).
      transforms: ["typescript", "imports"],
      disableESTransforms: true,
      filePath,
    }).code,
  { exts: [".ts"], ignoreNodeModules: true },
);
