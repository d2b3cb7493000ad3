/**
 * The offline plan: runs the real program (`runProgram`, exactly what `pulumi up` runs) under Pulumi's mock
 * monitor, with a stack's config read from its `Pulumi.<stack>.yaml`, and records every registration with
 * its parent and dependencies. No cloud, no credentials, no Pulumi CLI. Secret values never leave: every
 * value Pulumi marks secret is replaced by "[secret]" before anything is recorded.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { LineCounter, isMap, isScalar, parseDocument } from "yaml";
import { providerEnv, type RawConfig } from "../config/load";
import { CONFIG_KEYS, CONTRACT, SECRET_KEYS } from "../contract";
import { PROJECT } from "../config/keys";
import { runProgram } from "../program";
import { offlineMocks } from "./offline-mocks";

export const SECRET = "[secret]";
export const UNKNOWN = "[unknown]";

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string;
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** Input paths (`content`, `properties.value`) whose value is a Pulumi secret: what `inputs` shows as "[secret]". */
  readonly secretInputs: readonly string[];
  readonly dependencies: readonly string[];
  /**
   * Dependencies no input carries: the resource's explicit `dependsOn` (a component there stands for its
   * children). An explicit dependency that an input also carries shows under `dependencies` only.
   */
  readonly dependsOn: readonly string[];
  /** Pulumi refuses to delete or replace it (`pulumi destroy` fails unless `--exclude-protected`). */
  readonly protect: boolean;
  /** Left in the cloud when Pulumi deletes it: the engine drops it from state and calls no provider Delete. */
  readonly retainOnDelete: boolean;
  /** URN of the resource whose deletion takes this one with it (the engine then skips this one's Delete); "" if none. */
  readonly deletedWith: string;
  /** Input paths whose change replaces the resource, on top of what the provider says. */
  readonly replaceOnChanges: readonly string[];
  /** Input paths whose change Pulumi ignores after creation. */
  readonly ignoreChanges: readonly string[];
  /** Deleted before its replacement is created (what holds an attachment another copy could not take). */
  readonly deleteBeforeReplace: boolean;
  /** Provider operation timeouts as Pulumi duration strings (`"90m"`); an operation not named takes the provider's default. */
  readonly customTimeouts: { readonly create?: string; readonly update?: string; readonly delete?: string };
}

export interface Plan {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly PlannedResource[];
  readonly outputs: Record<string, unknown>;
  readonly artifacts: Record<string, string>;
  readonly missingSecrets: readonly string[];
  /**
   * Values the mocks made up in place of the cloud's (addresses, ids, generated names), as they appear in the
   * outputs and the bundle, each with where it came from. The bundle's RUNBOOK.md starts with this list too.
   */
  readonly mockValues: readonly MockValue[];
}

export interface MockValue {
  readonly value: string;
  /** The resource and field the stand-in is for, and where it appears. */
  readonly what: string;
}

export const ROOT = path.resolve(__dirname, "..");

/** A stack file that cannot be planned: one line naming the file (with line and column where there is one) and the fix. */
export class StackFileError extends Error {
  override readonly name = "StackFileError";
}

/** Top-level keys of a `Pulumi.<stack>.yaml` besides `config` (Pulumi's stack settings file). */
const STACK_FILE_KEYS = new Set(["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"]);

/** Reads `Pulumi.<stack>.yaml` (or any file of that shape) into the engine's flat key -> string form. */
export function readStackConfig(file: string, stack: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (e as Error).message;
    throw new StackFileError(`cannot read ${file}: ${why}; give a Pulumi.<stack>.yaml file`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  const at = (offset: number | undefined) => {
    const pos = lines.linePos(offset ?? 0);
    return `${file}:${pos.line}:${pos.col}`;
  };
  const yamlError = doc.errors[0];
  if (yamlError) {
    const firstLine = yamlError.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new StackFileError(`${at(yamlError.pos[0])}: invalid YAML: ${firstLine}; fix the file (a stack file is a mapping with a config: block)`);
  }
  const shape = (node: unknown, what: string) => new StackFileError(`${at((node as { range?: [number] } | null)?.range?.[0])}: ${what}; a stack file looks like 'config:' followed by indented lines 'codewhale-remote:<key>: <value>'`);
  if (doc.contents === null) return { project: PROJECT, stack, values: {}, opaqueSecrets: new Set(), env: providerEnv(CONTRACT) };
  if (!isMap(doc.contents)) throw shape(doc.contents, "the file is not a mapping");
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!STACK_FILE_KEYS.has(key)) {
      throw shape(pair.key, `unknown top-level key '${key}'${key.includes(":") || key in CONFIG_KEYS ? ` (config keys go under config:, e.g. config: {${key.includes(":") ? key : `${PROJECT}:${key}`}: ...})` : ""}`);
    }
  }
  const config = doc.get("config", true);
  if (config !== undefined && config !== null && !(isScalar(config) && config.value === null) && !isMap(config)) throw shape(config, "'config' is not a mapping of keys to values");
  const values: Record<string, string> = {};
  const opaque = new Set<string>();
  for (const pair of isMap(config) ? config.items : []) {
    if (!isScalar(pair.key) || typeof pair.key.value !== "string") throw shape(pair.key, "a config key is not a plain name");
    const rawKey = pair.key.value;
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    const value: unknown = pair.value === null ? null : (pair.value as { toJSON(): unknown }).toJSON();
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      if (typeof (value as { secure: unknown }).secure !== "string") throw shape(pair.value, `'${rawKey}: secure:' is not a string (an encrypted value as pulumi config set --secret writes it)`);
      // Encrypted with the stack's secrets provider: present, but unreadable without it.
      opaque.add(key);
      values[key] = "";
      continue;
    }
    if (value === null) throw shape(pair.value ?? pair.key, `'${rawKey}' has no value; give one, or remove the line`);
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  // The provider settings a real deploy would take from the environment count here too.
  return { project: PROJECT, stack, values, opaqueSecrets: opaque, env: providerEnv(CONTRACT) };
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Wire-format property values -> plain JSON; what a secret becomes is `onSecret`'s to say (given its path). */
function fromWire(value: unknown, onSecret: (inner: unknown, path: string) => unknown, path = ""): unknown {
  if (value === UNKNOWN_VALUE) return UNKNOWN;
  if (Array.isArray(value)) return value.map((v, i) => fromWire(v, onSecret, `${path}[${i}]`));
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return onSecret(o.value, path);
    if (o[SIG_KEY] === RESOURCE_SIG) return o.urn;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fromWire(v, onSecret, path ? `${path}.${k}` : k)]));
  }
  return value;
}

/** Secrets redacted; the path of each goes to `secretPaths`. */
const redactWire = (value: unknown, secretPaths: string[]): unknown => fromWire(value, (_, path) => (secretPaths.push(path), SECRET));

/** Secrets in the clear: what the provider receives. */
const revealWire = (value: unknown): unknown => fromWire(value, (inner) => revealWire(inner));

/** Resolves SDK values (Outputs included) to plain JSON, redacting secret Outputs. */
export async function resolveRedacted(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    const out = value as pulumi.Output<unknown>;
    const [inner, secret] = await Promise.all([promiseOf(out), pulumi.isSecret(out)]);
    return secret ? SECRET : resolveRedacted(inner);
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveRedacted));
  if (value && typeof value === "object") {
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await resolveRedacted(v)] as const));
    return Object.fromEntries(entries);
  }
  return value;
}

function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => { resolve(v); return v; }));
}

/** A mock monitor that also keeps what the real engine would see: parent, dependencies and every lifecycle option. */
class RecordingMonitor extends MockMonitor {
  readonly recorded: PlannedResource[] = [];

  override async registerResource(req: any, callback: (err: any, resp: any) => void): Promise<void> {
    await super.registerResource(req, (err: unknown, resp: any) => {
      if (!err) {
        const secretInputs: string[] = [];
        const inputs = redactWire(req.getObject()?.toJavaScript() ?? {}, secretInputs) as Record<string, unknown>;
        const dependencies = [...req.getDependenciesList()].sort();
        const carried = new Set<string>();
        req.getPropertydependenciesMap().forEach((deps: any) => deps.getUrnsList().forEach((u: string) => carried.add(u)));
        const timeouts = req.getCustomtimeouts();
        const customTimeouts = timeouts
          ? Object.fromEntries(([["create", timeouts.getCreate()], ["update", timeouts.getUpdate()], ["delete", timeouts.getDelete()]] as const).filter(([, v]) => v))
          : {};
        this.recorded.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: req.getCustom(),
          inputs,
          secretInputs,
          dependencies,
          dependsOn: dependencies.filter((u) => !carried.has(u)),
          protect: req.getProtect() === true,
          retainOnDelete: req.getRetainondelete() === true,
          deletedWith: req.getDeletedwith() ?? "",
          replaceOnChanges: [...req.getReplaceonchangesList()].sort(),
          ignoreChanges: [...req.getIgnorechangesList()].sort(),
          deleteBeforeReplace: req.getDeletebeforereplace() === true,
          customTimeouts,
        });
      }
      callback(err, resp);
    });
  }
}

export interface PlanOptions {
  readonly stack: string;
  /** The stack's config; default: `Pulumi.<stack>.yaml` in the project root. */
  readonly raw?: RawConfig;
  /** Like a real deploy: missing secrets are errors. */
  readonly strict?: boolean;
  /**
   * Tests only: sees each resource's inputs as the cloud would receive them, secrets in the clear (the plan
   * itself never holds them). Used to check what a secret input actually carries.
   */
  readonly observe?: (resource: { readonly type: string; readonly name: string; readonly inputs: Record<string, unknown> }) => void;
}

/** What the mocks answered that no input said: the resource's id and output fields, random results. */
function recordMadeUp(into: Map<string, string>, args: pulumi.runtime.MockResourceArgs, result: { id: string; state: Record<string, unknown> }): void {
  const inputs = args.inputs as Record<string, unknown>;
  const what = `${args.type.split(":").pop()} '${args.name}'`;
  if (result.id) into.set(result.id, `${what} id`);
  const given = new Set(Object.values(inputs).filter((v): v is string => typeof v === "string"));
  for (const [k, v] of Object.entries(result.state)) {
    if (typeof v === "string" && v.length >= 6 && !given.has(v)) into.set(v, `${what} ${k}`);
  }
}

/** The words of `texts` made up by the mocks (or built from what they made up, like a name from a random suffix). */
function mockValuesIn(madeUp: ReadonlyMap<string, string>, outputs: Record<string, unknown>, artifacts: Record<string, string>): MockValue[] {
  const where = new Map<string, { what: string; in: Set<string> }>();
  const scan = (text: string, place: string) => {
    for (const word of new Set(text.split(/[^A-Za-z0-9._#-]+/))) {
      if (word.length < 6) continue;
      for (const [v, what] of madeUp) {
        if (!word.includes(v)) continue;
        const entry = where.get(word) ?? { what: word === v ? what : `built from ${what} ${v}`, in: new Set<string>() };
        entry.in.add(place);
        where.set(word, entry);
      }
    }
  };
  for (const [k, v] of Object.entries(outputs)) scan(typeof v === "string" ? v : JSON.stringify(v), `output ${k}`);
  for (const [f, text] of Object.entries(artifacts)) scan(text, f);
  return [...where].map(([value, e]) => ({ value, what: `${e.what}; in ${[...e.in].join(", ")}` })).sort((a, b) => a.value.localeCompare(b.value));
}

/** Heads the runbook with the stand-ins the bundle holds: nobody should ssh to a documentation address. */
function markMockValues(artifacts: Record<string, string>, mock: readonly MockValue[]): Record<string, string> {
  const runbook = artifacts["RUNBOOK.md"];
  if (runbook === undefined || mock.length === 0) return artifacts;
  const banner = [
    "> **Offline plan: mock values.** This bundle was rendered without a cloud. These values are stand-ins for what",
    "> the cloud assigns; replace them with your host's (after a deploy: `pulumi stack output`; for a manual install: your host's address):",
    ...mock.map((m) => `> - \`${m.value}\` (${m.what})`),
  ].join("\n");
  const [title, ...rest] = runbook.split("\n");
  return { ...artifacts, "RUNBOOK.md": [title, "", banner, ...rest].join("\n") };
}

let running = false;

export async function planStack(options: PlanOptions): Promise<Plan> {
  if (running) throw new Error("planStack: one plan at a time (the Pulumi runtime is process-global)");
  running = true;
  try {
    const raw = options.raw ?? readStackConfig(path.join(ROOT, `Pulumi.${options.stack}.yaml`), options.stack);
    const observe = options.observe;
    const madeUp = new Map<string, string>();
    const mocks: pulumi.runtime.Mocks = {
      ...offlineMocks,
      newResource: (args) => {
        observe?.({ type: args.type, name: args.name, inputs: revealWire(args.inputs) as Record<string, unknown> });
        const result = offlineMocks.newResource(args) as { id: string; state: Record<string, unknown> };
        recordMadeUp(madeUp, args, result);
        return result;
      },
    };
    const monitor = new RecordingMonitor(mocks);
    pulumi.runtime.setMockOptions(monitor, PROJECT, options.stack, true);
    const secretKeys = SECRET_KEYS.map((n) => `${PROJECT}:${n}`);
    pulumi.runtime.setAllConfig({ ...raw.values }, secretKeys);

    let result: Awaited<ReturnType<typeof runProgram>> | undefined;
    let failure: unknown;
    await pulumi.runtime
      .runInPulumiStack(async () => {
        try {
          result = await runProgram({ raw, allowMissingSecrets: !options.strict });
        } catch (e) {
          failure = e;
          return {};
        }
        return result.outputs;
      })
      .catch((e: unknown) => {
        failure ??= e;
        return {};
      });
    if (failure !== undefined || !result) throw failure;
    const rendered = (await resolveRedacted(result.artifacts)) as Record<string, string>;
    const resolvedOutputs = (await resolveRedacted(result.outputs)) as Record<string, unknown>;
    const mockValues = mockValuesIn(madeUp, resolvedOutputs, rendered);
    const artifacts = markMockValues(rendered, mockValuesIn(madeUp, {}, rendered));
    await pulumi.runtime.disconnect();
    return {
      project: PROJECT,
      stack: options.stack,
      resources: [...monitor.recorded].sort((a, b) => a.urn.localeCompare(b.urn)),
      outputs: resolvedOutputs,
      artifacts,
      missingSecrets: result.missingSecrets,
      mockValues,
    };
  } finally {
    running = false;
  }
}
