// Checks the local @pulumi/tencentcloud binding (sdks/tencentcloud) against the data extract of the
// upstream tencentcloudstack/pulumi-tencentcloud v0.2.3 Node SDK, on three levels:
//  1. the runtime descriptor (`tencentcloud.schema.resourceSpecs`) the classes are built from;
//  2. the shipped TypeScript declarations (sdks/tencentcloud/lib/**/*.d.ts), read with the TypeScript
//     compiler API: class outputs, `XArgs` inputs (names, optionality, exact type text) and nested types;
//     plus a check that lib/ is exactly what sdks/tencentcloud/src compiles to;
//  3. behaviour under Pulumi mocks: token, inputs, version/pluginDownloadURL on the wire, required
//     inputs throwing before registration.
// Type-level checks (expectTypeOf, checked by `tsc --noEmit -p .`) tie the TS types to the descriptor.

import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import * as ts from "typescript";
import * as pulumi from "@pulumi/pulumi";
import * as tencentcloud from "@pulumi/tencentcloud";
import { beforeAll, describe, expect, expectTypeOf, it } from "vitest";

// CI clones this repo with `shared/` beside it, so the extract lives one level above the repo root.
const extractPath = path.resolve(__dirname, "reference/tencentcloud-sdk-v0.2.3.json");
const sdkDir = path.resolve(__dirname, "../sdks/tencentcloud");

interface ExtractInput {
  readonly required: boolean;
  readonly type: string;
}
interface ExtractResource {
  readonly class: string;
  readonly file: string;
  readonly inputs: Record<string, ExtractInput>;
  readonly outputs: Record<string, string>;
}
interface Extract {
  readonly pluginDownloadURL: string;
  readonly sdkVersion: string;
  readonly resources: Record<string, ExtractResource>;
  readonly types: Record<string, Record<string, ExtractInput>>;
}

const extract = JSON.parse(readFileSync(extractPath, "utf8")) as Extract;
const specs = tencentcloud.schema.resourceSpecs;
type Spec = tencentcloud.schema.ResourceSpec;

/** The resources the project needs (the brief's list); each must be in the extract and bound. */
const WANTED = [
  "tencentcloud",
  "tencentcloud:Lighthouse/instance:Instance",
  "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate",
  "tencentcloud:Lighthouse/firewallRule:FirewallRule",
  "tencentcloud:Lighthouse/keyPair:KeyPair",
  "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment",
  "tencentcloud:Lighthouse/disk:Disk",
  "tencentcloud:Lighthouse/diskAttachment:DiskAttachment",
  "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment",
] as const;

/**
 * Nested input types the bound resources reference but the extract does not describe (the Provider's
 * configuration blocks). They are declared, but cannot be checked; the test fails if this list goes
 * stale in either direction.
 */
const UNVERIFIED_TYPES = [
  "ProviderAssumeRole",
  "ProviderAssumeRoleWithSaml",
  "ProviderAssumeRoleWithWebIdentity",
  "ProviderMfaCertification",
];

const boundTokens = Object.keys(specs).sort();
const specOf = (token: string): Spec => (specs as Record<string, Spec>)[token]!;

/** Whitespace-insensitive form of a type's text. */
const norm = (text: string): string => text.replace(/\s+/g, "");

/** Removes every `pulumi.Input<...>` wrapper: the output-side shape of an input type. */
function unwrapInputs(type: string): string {
  const marker = "pulumi.Input<";
  let s = type;
  for (let i = s.indexOf(marker); i !== -1; i = s.indexOf(marker)) {
    let depth = 0;
    let end = -1;
    for (let j = i + marker.length - 1; j < s.length; j++) {
      if (s[j] === "<") depth++;
      else if (s[j] === ">" && --depth === 0) {
        end = j;
        break;
      }
    }
    if (end === -1) throw new Error(`unbalanced type ${type}`);
    s = s.slice(0, i) + s.slice(i + marker.length, end) + s.slice(end + 1);
  }
  return s.replace(/\binputs\./g, "outputs.");
}

/** `inputs.X.Y` / `outputs.X.Y` references in an extract type string, as extract `types` keys ("X.Y"). */
const refsIn = (type: string, ns: "inputs" | "outputs"): string[] =>
  [...type.matchAll(new RegExp(`\\b${ns}\\.([A-Za-z0-9_.]+)`, "g"))].map((m) => m[1]!);

/** All nested input types reachable from the bound resources' inputs. */
function referencedInputTypes(): Set<string> {
  const seen = new Set<string>();
  const queue = boundTokens.flatMap((t) => Object.values(extract.resources[t]!.inputs).flatMap((i) => refsIn(i.type, "inputs")));
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const field of Object.values(extract.types[name] ?? {})) queue.push(...refsIn(field.type, "inputs"));
  }
  return seen;
}

// ---------------------------------------------------------------------------------------------
// Declarations, read with the TypeScript compiler API.
// ---------------------------------------------------------------------------------------------

function parseDts(relFile: string): ts.SourceFile {
  const file = path.join(sdkDir, "lib", relFile);
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

interface DeclaredProp {
  readonly optional: boolean;
  readonly readonly: boolean;
  readonly type: string;
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind): boolean =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);

function membersOf(members: ts.NodeArray<ts.ClassElement | ts.TypeElement>, sf: ts.SourceFile): Map<string, DeclaredProp> {
  const out = new Map<string, DeclaredProp>();
  for (const m of members) {
    if (!(ts.isPropertyDeclaration(m) || ts.isPropertySignature(m))) continue;
    if (hasModifier(m, ts.SyntaxKind.StaticKeyword)) continue;
    out.set(m.name.getText(sf), {
      optional: m.questionToken !== undefined,
      readonly: hasModifier(m, ts.SyntaxKind.ReadonlyKeyword),
      type: m.type ? m.type.getText(sf) : "<none>",
    });
  }
  return out;
}

function findClass(sf: ts.SourceFile, name: string): ts.ClassDeclaration {
  const found = sf.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === name);
  if (!found) throw new Error(`class ${name} not declared in ${sf.fileName}`);
  return found;
}

function findInterface(statements: ts.NodeArray<ts.Statement>, name: string): ts.InterfaceDeclaration | undefined {
  return statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
}

/** Every interface of a types/*.d.ts file, keyed like the extract's `types`: "Namespace.Name" or "Name". */
function declaredTypes(relFile: string): Map<string, Map<string, DeclaredProp>> {
  const sf = parseDts(relFile);
  const out = new Map<string, Map<string, DeclaredProp>>();
  const visit = (statements: ts.NodeArray<ts.Statement>, prefix: string): void => {
    for (const s of statements) {
      if (ts.isInterfaceDeclaration(s)) out.set(prefix + s.name.text, membersOf(s.members, sf));
      else if (ts.isModuleDeclaration(s) && s.body && ts.isModuleBlock(s.body)) visit(s.body.statements, `${prefix}${s.name.getText(sf)}.`);
    }
  };
  visit(sf.statements, "");
  return out;
}

/** Field-by-field comparison; returns human-readable disagreements (empty = agree). */
function compareFields(
  where: string,
  declared: Map<string, DeclaredProp>,
  expected: Record<string, { required: boolean; type: string }>,
): string[] {
  const problems: string[] = [];
  for (const [name, exp] of Object.entries(expected)) {
    const got = declared.get(name);
    if (!got) {
      problems.push(`${where}.${name}: missing`);
      continue;
    }
    if (got.optional === exp.required) problems.push(`${where}.${name}: required=${exp.required} upstream, optional=${got.optional} here`);
    if (norm(got.type) !== norm(exp.type)) problems.push(`${where}.${name}: type ${got.type} here, ${exp.type} upstream`);
  }
  for (const name of declared.keys()) if (!(name in expected)) problems.push(`${where}.${name}: not upstream`);
  return problems;
}

// ---------------------------------------------------------------------------------------------

describe("tencentcloud binding vs upstream v0.2.3 extract", () => {
  it("loads the extract of the version the binding pins", () => {
    expect(extract.sdkVersion).toBe(tencentcloud.schema.pluginVersion);
    expect(extract.pluginDownloadURL).toBe(tencentcloud.schema.pluginDownloadURL);
    expect(tencentcloud.schema.packageName).toBe("tencentcloud");
  });

  it("binds exactly the wanted resources, all of which the extract has", () => {
    const missingUpstream = WANTED.filter((t) => !(t in extract.resources));
    expect(missingUpstream).toEqual([]);
    expect(boundTokens).toEqual([...WANTED].sort());
  });

  describe.each(WANTED.map((t) => [t] as const))("%s", (token) => {
    const upstream = extract.resources[token]!;
    const spec = specOf(token);

    it("descriptor: token, class, file, input names + required flags, output names", () => {
      expect(spec.token).toBe(token);
      expect(spec.kind).toBe(token === "tencentcloud" ? "provider" : "resource");
      expect(spec.className).toBe(upstream.class);
      expect(spec.file).toBe(upstream.file);
      expect(Object.fromEntries(Object.entries(spec.inputs).map(([n, i]) => [n, i.required]))).toEqual(
        Object.fromEntries(Object.entries(upstream.inputs).map(([n, i]) => [n, i.required])),
      );
      // Same order as upstream too (required inputs are checked in this order, like generated SDKs).
      expect(Object.keys(spec.inputs)).toEqual(Object.keys(upstream.inputs));
      expect([...spec.outputs]).toEqual(Object.keys(upstream.outputs));
      // Output-only properties (the provider's Computed-only attributes, e.g. Instance.publicAddresses) are
      // never inputs: generated SDKs send them as `undefined /*out*/` and accept them only in XState.
      const outputOnly = Object.keys(upstream.outputs).filter((o) => !(o in upstream.inputs));
      expect(spec.outputs.filter((o) => !(o in spec.inputs))).toEqual(outputOnly);
    });

    it("declarations: XArgs and the class's readonly outputs match the extract exactly", () => {
      const sf = parseDts(spec.file.replace(/\.ts$/, ".d.ts"));
      const cls = findClass(sf, upstream.class);
      const problems: string[] = [];

      const args = findInterface(sf.statements, `${upstream.class}Args`);
      if (!args) problems.push(`${upstream.class}Args not declared`);
      else problems.push(...compareFields(`${upstream.class}Args`, membersOf(args.members, sf), upstream.inputs));

      const outputs = membersOf(cls.members, sf);
      for (const [name, type] of Object.entries(upstream.outputs)) {
        const got = outputs.get(name);
        if (!got) problems.push(`${upstream.class}.${name}: output missing`);
        else {
          if (!got.readonly) problems.push(`${upstream.class}.${name}: not readonly`);
          if (norm(got.type) !== norm(`pulumi.Output<${type}>`)) problems.push(`${upstream.class}.${name}: ${got.type} here, pulumi.Output<${type}> upstream`);
        }
      }
      for (const name of outputs.keys()) if (!(name in upstream.outputs)) problems.push(`${upstream.class}.${name}: output not upstream`);

      // XState = Partial<XArgs> plus every output-only property, optional, as an Input of its output type
      // (a provider has no state to look up, so no ProviderState).
      const state = token === "tencentcloud" ? undefined : findInterface(sf.statements, `${upstream.class}State`);
      if (token === "tencentcloud") expect(findInterface(sf.statements, "ProviderState")).toBeUndefined();
      else if (!state) problems.push(`${upstream.class}State not declared`);
      else {
        const declared = membersOf(state.members, sf);
        const outputOnly = Object.entries(upstream.outputs).filter(([n]) => !(n in upstream.inputs));
        for (const [name, type] of outputOnly) {
          const got = declared.get(name);
          const expected = type.endsWith("[]") ? `pulumi.Input<pulumi.Input<${type.slice(0, -2)}>[]>` : `pulumi.Input<${type}>`;
          if (!got) problems.push(`${upstream.class}State.${name}: missing`);
          else if (!got.optional || norm(got.type) !== norm(expected)) problems.push(`${upstream.class}State.${name}: ${got.type} here, ${expected}? expected`);
        }
        for (const name of declared.keys()) if (!outputOnly.some(([n]) => n === name)) problems.push(`${upstream.class}State.${name}: not an output-only property`);
      }

      const pulumiType = cls.members.find((m) => ts.isPropertyDeclaration(m) && m.name.getText(sf) === "__pulumiType");
      const pulumiTypeText = pulumiType && ts.isPropertyDeclaration(pulumiType) ? pulumiType.type?.getText(sf) : undefined;
      if (pulumiTypeText !== JSON.stringify(token)) problems.push(`__pulumiType declared as ${pulumiTypeText}`);

      // Constructor: (name, args, opts?) with args optional only when no input is required (as upstream).
      const ctor = cls.members.find(ts.isConstructorDeclaration);
      const argsParam = ctor?.parameters[1];
      const anyRequired = Object.values(upstream.inputs).some((i) => i.required);
      if (!argsParam || argsParam.type?.getText(sf) !== `${upstream.class}Args`) problems.push("constructor args parameter");
      else if ((argsParam.questionToken !== undefined) === anyRequired) problems.push("constructor args optionality");

      expect(problems).toEqual([]);
    });

    it("runtime class: module layout and token", () => {
      const cls = classFor(token) as unknown as { __pulumiType: string };
      expect(cls.__pulumiType).toBe(token);
    });
  });

  it("nested input types match the extract field by field (and only referenced ones are declared)", () => {
    const referenced = referencedInputTypes();
    const declared = declaredTypes("types/input.d.ts");
    const problems: string[] = [];
    for (const name of referenced) {
      const fields = declared.get(name);
      if (!fields) problems.push(`inputs.${name}: not declared`);
      else if (extract.types[name]) problems.push(...compareFields(`inputs.${name}`, fields, extract.types[name]!));
    }
    for (const name of declared.keys()) if (!referenced.has(name)) problems.push(`inputs.${name}: declared but not referenced by a bound resource`);
    expect(problems).toEqual([]);
    expect([...referenced].filter((n) => !extract.types[n]).sort()).toEqual([...UNVERIFIED_TYPES].sort());
  });

  it("nested output types are the unwrapped input types", () => {
    const referenced = new Set(
      boundTokens.flatMap((t) => Object.values(extract.resources[t]!.outputs).flatMap((o) => refsIn(o, "outputs"))),
    );
    for (const name of [...referenced]) {
      for (const f of Object.values(extract.types[name] ?? {})) for (const r of refsIn(f.type, "inputs")) referenced.add(r);
    }
    const declared = declaredTypes("types/output.d.ts");
    const problems: string[] = [];
    for (const name of referenced) {
      const upstream = extract.types[name];
      const fields = declared.get(name);
      if (!upstream) problems.push(`outputs.${name}: not in the extract`);
      else if (!fields) problems.push(`outputs.${name}: not declared`);
      else {
        const expected = Object.fromEntries(Object.entries(upstream).map(([n, f]) => [n, { required: f.required, type: unwrapInputs(f.type) }]));
        problems.push(...compareFields(`outputs.${name}`, fields, expected));
      }
    }
    for (const name of declared.keys()) if (!referenced.has(name)) problems.push(`outputs.${name}: declared but not referenced`);
    expect(problems).toEqual([]);
  });

  it("lib/ is exactly what src/ compiles to, without diagnostics", () => {
    const configPath = path.join(sdkDir, "tsconfig.json");
    const config = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, sdkDir);
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);

    const emitted = new Map<string, string>();
    program.emit(undefined, (fileName, text) => emitted.set(path.relative(sdkDir, fileName), text));
    const listFiles = (dir: string): string[] =>
      readdirSync(dir).flatMap((e) => (statSync(path.join(dir, e)).isDirectory() ? listFiles(path.join(dir, e)) : [path.join(dir, e)]));
    const onDisk = listFiles(path.join(sdkDir, "lib")).map((f) => path.relative(sdkDir, f));
    expect(onDisk.sort()).toEqual([...emitted.keys()].sort());
    const stale = [...emitted].filter(([rel, text]) => readFileSync(path.join(sdkDir, rel), "utf8") !== text).map(([rel]) => rel);
    expect(stale, "run `npx tsc -p sdks/tencentcloud` and commit lib/").toEqual([]);
  });
});

function classFor(token: string): unknown {
  const spec = specOf(token);
  if (spec.kind === "provider") return tencentcloud.Provider;
  const moduleName = spec.file.split("/")[0]!; // lighthouse | tat
  const mod = (tencentcloud as unknown as Record<string, Record<string, unknown>>)[moduleName]!;
  return mod[spec.className];
}

// ---------------------------------------------------------------------------------------------
// Behaviour under Pulumi mocks.
// ---------------------------------------------------------------------------------------------

/** A value of an extract type string: required fields only for nested objects. */
function sampleOf(type: string, label: string): unknown {
  const t = unwrapInputs(type).replace(/\boutputs\./g, "");
  if (t.endsWith("[]")) return [sampleOf(t.slice(0, -2), label)];
  if (t === "string") return `${label}-value`;
  if (t === "number") return 7;
  if (t === "boolean") return true;
  const nested = extract.types[t];
  if (nested) {
    return Object.fromEntries(
      Object.entries(nested)
        .filter(([, f]) => f.required)
        .map(([n, f]) => [n, sampleOf(f.type, n)]),
    );
  }
  throw new Error(`no sample for ${type}`);
}

/** Sample args with every input of a resource set. */
const sampleArgs = (token: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(extract.resources[token]!.inputs).map(([n, i]) => [n, sampleOf(i.type, n)]));

interface WireRequest {
  readonly type: string;
  readonly name: string;
  readonly version: string;
  readonly pluginDownloadURL: string;
  readonly additionalSecretOutputs: string[];
}

const mockCalls: pulumi.runtime.MockResourceArgs[] = [];
const wire: WireRequest[] = [];

const settled = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

type Ctor = new (name: string, args?: unknown, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

describe("tencentcloud binding under Pulumi mocks", () => {
  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          mockCalls.push(args);
          return { id: args.id || `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "codewhale-remote",
      "test",
      false,
    );
    // The mocks API hides resource options; the monitor's RegisterResourceRequest carries them.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource: (req: any, cb: (...a: unknown[]) => void) => unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      wire.push({
        type: req.getType(),
        name: req.getName(),
        version: req.getVersion(),
        pluginDownloadURL: req.getPlugindownloadurl(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
      });
      return original(req, cb);
    };
  });

  const resourceTokens = WANTED.filter((t) => t !== "tencentcloud");

  it.each(resourceTokens.map((t) => [t] as const))("%s registers its token, every input and the plugin options", async (token) => {
    const Cls = classFor(token) as Ctor;
    const name = `full-${specOf(token).className}`;
    const args = sampleArgs(token);
    const res = new Cls(name, args);
    expect((Cls as unknown as { isInstance(o: unknown): boolean }).isInstance(res)).toBe(true);
    expect(await settled(res.id)).toBe(`${name}-id`);

    const call = mockCalls.find((c) => c.name === name);
    expect(call?.type).toBe(token);
    expect(call?.custom).toBe(true);
    expect(call?.inputs).toEqual(args);

    const req = wire.find((w) => w.name === name);
    expect(req).toMatchObject({ type: token, version: "0.2.3", pluginDownloadURL: "github://api.github.com/tencentcloudstack" });

    // Outputs come back as typed properties (the first output that is also an input: the mock echoes inputs).
    const firstOutput = Object.keys(extract.resources[token]!.outputs).find((o) => o in args)!;
    const out = (res as unknown as Record<string, pulumi.Output<unknown>>)[firstOutput]!;
    expect(await settled(out)).toEqual(args[firstOutput]);
  });

  it.each(resourceTokens.map((t) => [t] as const))("%s throws on each missing required input, before registering", async (token) => {
    const Cls = classFor(token) as Ctor;
    const required = Object.entries(extract.resources[token]!.inputs).filter(([, i]) => i.required).map(([n]) => n);
    expect(required.length).toBeGreaterThan(0);
    for (const missing of required) {
      const name = `missing-${missing}-${specOf(token).className}`;
      const args = sampleArgs(token);
      delete args[missing];
      expect(() => new Cls(name, args)).toThrow(`Missing required property '${missing}'`);
    }
    // No args at all: the first required input (upstream order) is reported.
    expect(() => new Cls(`noargs-${specOf(token).className}`, undefined)).toThrow(`Missing required property '${required[0]}'`);
    await flush();
    expect(wire.filter((w) => w.name.startsWith("missing-") || w.name.startsWith("noargs-"))).toEqual([]);
    expect(mockCalls.filter((c) => c.name.startsWith("missing-") || c.name.startsWith("noargs-"))).toEqual([]);
  });

  it("Instance: the brief's example error, and caller options override the defaults", async () => {
    expect(() => new tencentcloud.lighthouse.Instance("lh-none", {} as tencentcloud.lighthouse.InstanceArgs)).toThrow(
      "Missing required property 'blueprintId'",
    );
    const kp = new tencentcloud.lighthouse.KeyPair("kp-pinned", { keyName: "codewhale" }, { version: "0.2.4" });
    await settled(kp.id);
    expect(wire.find((w) => w.name === "kp-pinned")).toMatchObject({
      version: "0.2.4",
      pluginDownloadURL: "github://api.github.com/tencentcloudstack",
    });
  });

  it("get() reads an existing resource by id", async () => {
    const got = tencentcloud.lighthouse.Instance.get("existing", "lhins-123");
    expect(await settled(got.id)).toBe("lhins-123");
    expect(mockCalls.find((c) => c.name === "existing")).toMatchObject({ type: "tencentcloud:Lighthouse/instance:Instance", id: "lhins-123" });
  });

  it("Provider: package token, secret credentials, JSON-encoded non-string config", async () => {
    const provider = new tencentcloud.Provider("tc", {
      region: "ap-guangzhou",
      secretId: "AKIDexample",
      secretKey: "not-a-real-key",
      enablePodOidc: false,
      allowedAccountIds: ["100000000001"],
    });
    expect(tencentcloud.Provider.isInstance(provider)).toBe(true);
    expect(tencentcloud.lighthouse.Instance.isInstance(provider)).toBe(false);
    await settled(provider.urn);
    await flush();

    const call = mockCalls.find((c) => c.name === "tc");
    expect(call?.type).toBe("pulumi:providers:tencentcloud");
    expect(call?.inputs).toMatchObject({
      region: "ap-guangzhou",
      secretId: "AKIDexample",
      // Sent as a secret (the mock monitor hands secrets over still wrapped in their signature).
      secretKey: { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: "not-a-real-key" },
      enablePodOidc: "false",
      allowedAccountIds: JSON.stringify(["100000000001"]),
    });
    expect(wire.find((w) => w.name === "tc")).toMatchObject({
      type: "pulumi:providers:tencentcloud",
      version: "0.2.3",
      pluginDownloadURL: "github://api.github.com/tencentcloudstack",
      additionalSecretOutputs: ["secretKey", "securityToken"],
    });

    // Resources accept it as their provider.
    const tpl = new tencentcloud.lighthouse.FirewallTemplate("tpl", { templateName: "codewhale-empty" }, { provider });
    await settled(tpl.id);
    expect(mockCalls.find((c) => c.name === "tpl")?.provider).toMatch(/::tc::tc-id$/);
  });
});

// ---------------------------------------------------------------------------------------------
// Type-level checks (run by `tsc --noEmit -p .`; no-ops at runtime): the TypeScript surface agrees
// with the descriptor the runtime uses.
// ---------------------------------------------------------------------------------------------

type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Specs = typeof tencentcloud.schema.resourceSpecs;
type SpecInputs<T extends keyof Specs> = keyof Specs[T]["inputs"];
type SpecRequired<T extends keyof Specs> = {
  [K in keyof Specs[T]["inputs"]]: Specs[T]["inputs"][K] extends { readonly required: true } ? K : never;
}[keyof Specs[T]["inputs"]];
type SpecOutputs<T extends keyof Specs> = Specs[T]["outputs"][number];
type OutputKeys<C, Base> = Exclude<keyof C, keyof Base>;

describe("type-level agreement with the descriptor", () => {
  it("Args keys, required keys and output keys", () => {
    const L = "tencentcloud:Lighthouse/";
    type I = `${typeof L}instance:Instance`;
    expectTypeOf<keyof tencentcloud.lighthouse.InstanceArgs>().toEqualTypeOf<SpecInputs<I>>();
    expectTypeOf<RequiredKeys<tencentcloud.lighthouse.InstanceArgs>>().toEqualTypeOf<SpecRequired<I>>();
    expectTypeOf<OutputKeys<tencentcloud.lighthouse.Instance, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<I>>();

    type FT = `${typeof L}firewallTemplate:FirewallTemplate`;
    expectTypeOf<keyof tencentcloud.lighthouse.FirewallTemplateArgs>().toEqualTypeOf<SpecInputs<FT>>();
    expectTypeOf<RequiredKeys<tencentcloud.lighthouse.FirewallTemplateArgs>>().toEqualTypeOf<SpecRequired<FT>>();
    expectTypeOf<OutputKeys<tencentcloud.lighthouse.FirewallTemplate, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<FT>>();

    type FR = `${typeof L}firewallRule:FirewallRule`;
    expectTypeOf<keyof tencentcloud.lighthouse.FirewallRuleArgs>().toEqualTypeOf<SpecInputs<FR>>();
    expectTypeOf<RequiredKeys<tencentcloud.lighthouse.FirewallRuleArgs>>().toEqualTypeOf<SpecRequired<FR>>();
    expectTypeOf<OutputKeys<tencentcloud.lighthouse.FirewallRule, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<FR>>();

    type KP = `${typeof L}keyPair:KeyPair`;
    expectTypeOf<keyof tencentcloud.lighthouse.KeyPairArgs>().toEqualTypeOf<SpecInputs<KP>>();
    expectTypeOf<RequiredKeys<tencentcloud.lighthouse.KeyPairArgs>>().toEqualTypeOf<SpecRequired<KP>>();
    expectTypeOf<OutputKeys<tencentcloud.lighthouse.KeyPair, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<KP>>();

    type KPA = `${typeof L}keyPairAttachment:KeyPairAttachment`;
    expectTypeOf<keyof tencentcloud.lighthouse.KeyPairAttachmentArgs>().toEqualTypeOf<SpecInputs<KPA>>();
    expectTypeOf<RequiredKeys<tencentcloud.lighthouse.KeyPairAttachmentArgs>>().toEqualTypeOf<SpecRequired<KPA>>();
    expectTypeOf<OutputKeys<tencentcloud.lighthouse.KeyPairAttachment, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<KPA>>();

    type D = `${typeof L}disk:Disk`;
    expectTypeOf<keyof tencentcloud.lighthouse.DiskArgs>().toEqualTypeOf<SpecInputs<D>>();
    expectTypeOf<RequiredKeys<tencentcloud.lighthouse.DiskArgs>>().toEqualTypeOf<SpecRequired<D>>();
    expectTypeOf<OutputKeys<tencentcloud.lighthouse.Disk, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<D>>();

    type DA = `${typeof L}diskAttachment:DiskAttachment`;
    expectTypeOf<keyof tencentcloud.lighthouse.DiskAttachmentArgs>().toEqualTypeOf<SpecInputs<DA>>();
    expectTypeOf<RequiredKeys<tencentcloud.lighthouse.DiskAttachmentArgs>>().toEqualTypeOf<SpecRequired<DA>>();
    expectTypeOf<OutputKeys<tencentcloud.lighthouse.DiskAttachment, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<DA>>();

    type T = "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment";
    expectTypeOf<keyof tencentcloud.tat.InvocationCommandAttachmentArgs>().toEqualTypeOf<SpecInputs<T>>();
    expectTypeOf<RequiredKeys<tencentcloud.tat.InvocationCommandAttachmentArgs>>().toEqualTypeOf<SpecRequired<T>>();
    expectTypeOf<OutputKeys<tencentcloud.tat.InvocationCommandAttachment, pulumi.CustomResource>>().toEqualTypeOf<SpecOutputs<T>>();

    expectTypeOf<keyof tencentcloud.ProviderArgs>().toEqualTypeOf<SpecInputs<"tencentcloud">>();
    expectTypeOf<RequiredKeys<tencentcloud.ProviderArgs>>().toEqualTypeOf<SpecRequired<"tencentcloud">>();
    expectTypeOf<OutputKeys<tencentcloud.Provider, pulumi.ProviderResource>>().toEqualTypeOf<SpecOutputs<"tencentcloud">>();
  });

  it("spot checks of the shapes the project relies on", () => {
    expectTypeOf<tencentcloud.lighthouse.InstanceArgs["renewFlag"]>().toEqualTypeOf<pulumi.Input<string>>();
    expectTypeOf<tencentcloud.lighthouse.InstanceArgs["period"]>().toEqualTypeOf<pulumi.Input<number> | undefined>();
    expectTypeOf<tencentcloud.types.input.Lighthouse.FirewallRuleFirewallRule["port"]>().toEqualTypeOf<pulumi.Input<string> | undefined>();
    expectTypeOf<tencentcloud.tat.InvocationCommandAttachmentArgs["content"]>().toEqualTypeOf<pulumi.Input<string>>();
    expectTypeOf<tencentcloud.lighthouse.FirewallRule["firewallRules"]>().toEqualTypeOf<
      pulumi.Output<tencentcloud.types.output.Lighthouse.FirewallRuleFirewallRule[]>
    >();

    // Compile-time only (never called): a missing required input does not type-check.
    const _unused = (): void => {
      // @ts-expect-error blueprintId is required
      new tencentcloud.lighthouse.Instance("x", { bundleId: "b", instanceName: "n", renewFlag: "NOTIFY_AND_AUTO_RENEW" });
    };
    expect(typeof _unused).toBe("function");
  });
});
