"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.getEnv = getEnv;
exports.getVersion = getVersion;
exports.resourceOptsDefaults = resourceOptsDefaults;
exports.buildResourceInputs = buildResourceInputs;
exports.mergeResourceOptions = mergeResourceOptions;
const pulumi = __importStar(require("@pulumi/pulumi"));
const schema_1 = require("./schema");
/** First non-empty value among the given environment variables. */
function getEnv(...vars) {
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
function getVersion() {
    return schema_1.pluginVersion;
}
/** @internal */
function resourceOptsDefaults() {
    return { version: schema_1.pluginVersion, pluginDownloadURL: schema_1.pluginDownloadURL };
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
function buildResourceInputs(spec, argsOrState, opts) {
    const resourceInputs = {};
    const bag = argsOrState;
    if (spec.kind === "resource" && opts.id) {
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
        let value = bag?.[name];
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
function mergeResourceOptions(spec, opts) {
    let merged = pulumi.mergeOptions(resourceOptsDefaults(), opts);
    const secrets = Object.entries(spec.inputs)
        .filter(([, input]) => input.secret)
        .map(([name]) => name);
    if (secrets.length > 0) {
        merged = pulumi.mergeOptions(merged, { additionalSecretOutputs: secrets });
    }
    return merged;
}
