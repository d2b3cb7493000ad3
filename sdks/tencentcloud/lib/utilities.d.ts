import * as pulumi from "@pulumi/pulumi";
import { ResourceSpec } from "./schema";
/** First non-empty value among the given environment variables. */
export declare function getEnv(...vars: string[]): string | undefined;
/**
 * The provider plugin version resources ask for. Generated SDKs read it from their package.json; this
 * package's own version is "0.2.3-local", so the plugin version is pinned in schema.ts instead.
 */
export declare function getVersion(): string;
/** @internal */
export declare function resourceOptsDefaults(): any;
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
export declare function buildResourceInputs(spec: ResourceSpec, argsOrState: object | undefined, opts: pulumi.CustomResourceOptions | pulumi.ResourceOptions): pulumi.Inputs;
/**
 * Merges the package defaults (plugin version and download URL) under the caller's options, and adds
 * `additionalSecretOutputs` for secret properties, like generated SDKs do.
 *
 * @internal
 */
export declare function mergeResourceOptions<T extends pulumi.ResourceOptions>(spec: ResourceSpec, opts: T): T;
