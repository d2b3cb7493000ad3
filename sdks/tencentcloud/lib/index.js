"use strict";
// Local typed binding for a subset of tencentcloudstack/pulumi-tencentcloud v0.2.3 (see README.md).
// Module layout mirrors upstream's sdk/nodejs: `tencentcloud.Provider`, `tencentcloud.lighthouse.*`,
// `tencentcloud.tat.*`, `tencentcloud.types.input.Lighthouse.*`.
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
exports.schema = exports.types = exports.tat = exports.lighthouse = exports.Provider = void 0;
const pulumi = __importStar(require("@pulumi/pulumi"));
const utilities = __importStar(require("./utilities"));
// Export members:
var provider_1 = require("./provider");
Object.defineProperty(exports, "Provider", { enumerable: true, get: function () { return provider_1.Provider; } });
// Export sub-modules:
const lighthouse = __importStar(require("./lighthouse"));
exports.lighthouse = lighthouse;
const tat = __importStar(require("./tat"));
exports.tat = tat;
const types = __importStar(require("./types"));
exports.types = types;
// Not part of upstream's public API: the descriptor the classes are built from (checked by tests).
const schema = __importStar(require("./schema"));
exports.schema = schema;
const provider_2 = require("./provider");
pulumi.runtime.registerResourcePackage("tencentcloud", {
    version: utilities.getVersion(),
    constructProvider: (name, type, urn) => {
        if (type !== "pulumi:providers:tencentcloud") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new provider_2.Provider(name, undefined, { urn });
    },
});
