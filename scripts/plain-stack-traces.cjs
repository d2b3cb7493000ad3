/**
 * Keeps V8's own stack traces in the program's process under the Pulumi CLI. Pulumi.yaml passes it to the
 * Node.js language host as `nodeargs`, after scripts/register-ts.cjs; it does nothing in any other process
 * (`npm run plan`, the tests).
 *
 * The CLI's loader (@pulumi/pulumi/cmd/run/index.js) requires `source-map-support/register`, which replaces
 * Error.prepareStackTrace with a formatter that maps every frame through the .js.map files beside the SDK's
 * JavaScript. What that costs and breaks here:
 *  - Speed: the SDK reads `new Error().stack` for every promise it wraps (runtime/debuggable.js) and for
 *    every resource (resource.js, Resource.callsites, with no frame limit), so the formatter runs over
 *    thousands of frames and parses the maps: about a fifth of the CLI path's CPU time (see the README's
 *    Performance section).
 *  - Correctness: the maps name sources that are not shipped, one directory too high (@pulumi/pulumi's
 *    resource.js.map says `../resource.ts`, i.e. node_modules/@pulumi/resource.ts). Node's util.inspect
 *    with colors, which the loader runs on every uncaught error (cmd/run/error.js, defaultErrorMessage),
 *    loops on such a frame (a scope directory followed by a file, no package) until the string is too long:
 *    nodejs/node#64011 (from #59446, in 20.19.6), fixed by #64022. A program error then took 17-30 s and
 *    3.3 GB before the CLI printed anything.
 * Our own files need no map: scripts/register-ts.cjs compiles with sucrase, which keeps every line where it
 * was, so frames in our .ts files point at the right line either way. SDK frames point at the .js files
 * that are on disk, instead of .ts files that are not.
 *
 * How: source-map-support installs its formatter once per process (its `errorFormatterInstalled` flag).
 * This file installs it first, from the copy the loader will require (resolved from the loader's own
 * directory), and puts V8's formatter back, so the loader's `register` finds it installed and leaves
 * Error.prepareStackTrace alone. Its uncaught-exception shim is left to the loader, as before.
 */
"use strict";
const path = require("node:path");

const main = process.argv[1] ?? "";
const underPulumiLoader = /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run(?:[\\/]index\.js)?$/.test(main);
if (underPulumiLoader) {
  let sourceMapSupport;
  try {
    sourceMapSupport = require(require.resolve("source-map-support", { paths: [path.dirname(require.resolve(main))] }));
  } catch {
    // a loader without source-map-support: nothing to keep out
  }
  if (sourceMapSupport) {
    const v8Formatter = Error.prepareStackTrace;
    sourceMapSupport.install({ handleUncaughtExceptions: false });
    Error.prepareStackTrace = v8Formatter;
  }
}
