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
exports.KeyPairAttachment = exports.KeyPair = exports.Instance = exports.FirewallTemplate = exports.FirewallRule = exports.DiskAttachment = exports.Disk = void 0;
const pulumi = __importStar(require("@pulumi/pulumi"));
const utilities = __importStar(require("../utilities"));
const disk_1 = require("./disk");
const diskAttachment_1 = require("./diskAttachment");
const firewallRule_1 = require("./firewallRule");
const firewallTemplate_1 = require("./firewallTemplate");
const instance_1 = require("./instance");
const keyPair_1 = require("./keyPair");
const keyPairAttachment_1 = require("./keyPairAttachment");
var disk_2 = require("./disk");
Object.defineProperty(exports, "Disk", { enumerable: true, get: function () { return disk_2.Disk; } });
var diskAttachment_2 = require("./diskAttachment");
Object.defineProperty(exports, "DiskAttachment", { enumerable: true, get: function () { return diskAttachment_2.DiskAttachment; } });
var firewallRule_2 = require("./firewallRule");
Object.defineProperty(exports, "FirewallRule", { enumerable: true, get: function () { return firewallRule_2.FirewallRule; } });
var firewallTemplate_2 = require("./firewallTemplate");
Object.defineProperty(exports, "FirewallTemplate", { enumerable: true, get: function () { return firewallTemplate_2.FirewallTemplate; } });
var instance_2 = require("./instance");
Object.defineProperty(exports, "Instance", { enumerable: true, get: function () { return instance_2.Instance; } });
var keyPair_2 = require("./keyPair");
Object.defineProperty(exports, "KeyPair", { enumerable: true, get: function () { return keyPair_2.KeyPair; } });
var keyPairAttachment_2 = require("./keyPairAttachment");
Object.defineProperty(exports, "KeyPairAttachment", { enumerable: true, get: function () { return keyPairAttachment_2.KeyPairAttachment; } });
const _module = {
    version: utilities.getVersion(),
    construct: (name, type, urn) => {
        switch (type) {
            case "tencentcloud:Lighthouse/disk:Disk":
                return new disk_1.Disk(name, undefined, { urn });
            case "tencentcloud:Lighthouse/diskAttachment:DiskAttachment":
                return new diskAttachment_1.DiskAttachment(name, undefined, { urn });
            case "tencentcloud:Lighthouse/firewallRule:FirewallRule":
                return new firewallRule_1.FirewallRule(name, undefined, { urn });
            case "tencentcloud:Lighthouse/firewallTemplate:FirewallTemplate":
                return new firewallTemplate_1.FirewallTemplate(name, undefined, { urn });
            case "tencentcloud:Lighthouse/instance:Instance":
                return new instance_1.Instance(name, undefined, { urn });
            case "tencentcloud:Lighthouse/keyPair:KeyPair":
                return new keyPair_1.KeyPair(name, undefined, { urn });
            case "tencentcloud:Lighthouse/keyPairAttachment:KeyPairAttachment":
                return new keyPairAttachment_1.KeyPairAttachment(name, undefined, { urn });
            default:
                throw new Error(`unknown resource type ${type}`);
        }
    },
};
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/disk", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/diskAttachment", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/firewallRule", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/firewallTemplate", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/instance", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/keyPair", _module);
pulumi.runtime.registerResourceModule("tencentcloud", "Lighthouse/keyPairAttachment", _module);
