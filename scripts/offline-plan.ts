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
import { parse as parseYaml } from "yaml";
import { providerEnv, type RawConfig } from "../config/load";
import { PROJECT, configKeys, type ConfigKey } from "../config/keys";
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
}

export const ROOT = path.resolve(__dirname, "..");

/** Reads `Pulumi.<stack>.yaml` (or any file of that shape) into the engine's flat key -> string form. */
export function readStackConfig(file: string, stack: string): RawConfig {
  const doc = (parseYaml(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const opaque = new Set<string>();
  for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
    const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      // Encrypted with the stack's secrets provider: present, but unreadable without it.
      opaque.add(key);
      values[key] = "";
      continue;
    }
    values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  // The provider settings a real deploy would take from the environment count here too.
  return { project: PROJECT, stack, values, opaqueSecrets: opaque, env: providerEnv() };
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

let running = false;

export async function planStack(options: PlanOptions): Promise<Plan> {
  if (running) throw new Error("planStack: one plan at a time (the Pulumi runtime is process-global)");
  running = true;
  try {
    const raw = options.raw ?? readStackConfig(path.join(ROOT, `Pulumi.${options.stack}.yaml`), options.stack);
    const observe = options.observe;
    const mocks: pulumi.runtime.Mocks = observe
      ? { ...offlineMocks, newResource: (args) => (observe({ type: args.type, name: args.name, inputs: revealWire(args.inputs) as Record<string, unknown> }), offlineMocks.newResource(args)) }
      : offlineMocks;
    const monitor = new RecordingMonitor(mocks);
    pulumi.runtime.setMockOptions(monitor, PROJECT, options.stack, true);
    const secretKeys = Object.entries(configKeys).filter(([, k]) => (k as ConfigKey).secret).map(([n]) => `${PROJECT}:${n}`);
    pulumi.runtime.setAllConfig({ ...raw.values }, secretKeys);

    let result: ReturnType<typeof runProgram> | undefined;
    let failure: unknown;
    await pulumi.runtime
      .runInPulumiStack(async () => {
        try {
          result = runProgram({ raw, allowMissingSecrets: !options.strict });
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
    const artifacts = (await resolveRedacted(result.artifacts)) as Record<string, string>;
    const resolvedOutputs = (await resolveRedacted(result.outputs)) as Record<string, unknown>;
    await pulumi.runtime.disconnect();
    return {
      project: PROJECT,
      stack: options.stack,
      resources: [...monitor.recorded].sort((a, b) => a.urn.localeCompare(b.urn)),
      outputs: resolvedOutputs,
      artifacts,
      missingSecrets: result.missingSecrets,
    };
  } finally {
    running = false;
  }
}
