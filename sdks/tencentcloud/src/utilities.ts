import * as pulumi from "@pulumi/pulumi";
import { pluginDownloadURL, pluginVersion, ResourceSpec } from "./schema";

/** First non-empty value among the given environment variables. */
export function getEnv(...vars: string[]): string | undefined {
    for (const v of vars) {
        const value = process.env[v];
        if (value) {
            return value;
        }
    }
    return undefined;
}

/**
 * The provider plugin version resources ask for. Generated SDKs read it from their package.json; this
 * package's own version is "0.2.3-local", so the plugin version is pinned in schema.ts instead.
 */
export function getVersion(): string {
    return pluginVersion;
}

/** @internal */
export function resourceOptsDefaults(): any {
    return { version: pluginVersion, pluginDownloadURL: pluginDownloadURL };
}

/**
 * Builds the `resourceInputs` bag the way generated SDK constructors do, from the descriptor:
 * - reading an existing resource (`opts.id` set): every input and output is taken from `state`;
 * - otherwise: throws `Missing required property '<name>'` for each required input left undefined
 *   (unless `opts.urn` is set, i.e. rehydration), then copies every input (secret ones wrapped in
 *   `pulumi.secret`, provider config JSON-encoded when non-string, env fallbacks applied), and
 *   initialises output-only properties to `undefined`.
 *
 * @internal
 */
export function buildResourceInputs(
    spec: ResourceSpec,
    argsOrState: object | undefined,
    opts: pulumi.CustomResourceOptions | pulumi.ResourceOptions,
): pulumi.Inputs {
    const resourceInputs: pulumi.Inputs = {};
    const bag = argsOrState as Record<string, any> | undefined;
    if (spec.kind === "resource" && (opts as pulumi.CustomResourceOptions).id) {
        for (const name of new Set([...Object.keys(spec.inputs), ...spec.outputs])) {
            resourceInputs[name] = bag?.[name];
        }
        return resourceInputs;
    }
    for (const [name, input] of Object.entries(spec.inputs)) {
        if (input.required && bag?.[name] === undefined && !opts.urn) {
            throw new Error(`Missing required property '${name}'`);
        }
    }
    for (const [name, input] of Object.entries(spec.inputs)) {
        let value: any = bag?.[name];
        if (input.json) {
            value = pulumi.output(value).apply(JSON.stringify);
        }
        if (input.secret) {
            value = value ? pulumi.secret(value) : undefined;
        }
        if (input.env) {
            const fromEnv = getEnv(...input.env);
            value = value ?? (input.secret && fromEnv ? pulumi.secret(fromEnv) : fromEnv);
        }
        resourceInputs[name] = value;
    }
    for (const name of spec.outputs) {
        if (!(name in spec.inputs)) {
            resourceInputs[name] = undefined /*out*/;
        }
    }
    return resourceInputs;
}

/**
 * Merges the package defaults (plugin version and download URL) under the caller's options, and adds
 * `additionalSecretOutputs` for secret properties, like generated SDKs do.
 *
 * @internal
 */
export function mergeResourceOptions<T extends pulumi.ResourceOptions>(spec: ResourceSpec, opts: T): T {
    let merged = pulumi.mergeOptions(resourceOptsDefaults(), opts) as T;
    const secrets = Object.entries(spec.inputs)
        .filter(([, input]) => input.secret)
        .map(([name]) => name);
    if (secrets.length > 0) {
        merged = pulumi.mergeOptions(merged, { additionalSecretOutputs: secrets }) as T;
    }
    return merged;
}
