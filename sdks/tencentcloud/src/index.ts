// Local typed binding for a subset of tencentcloudstack/pulumi-tencentcloud v0.2.3 (see README.md).
// Module layout mirrors upstream's sdk/nodejs: `tencentcloud.Provider`, `tencentcloud.lighthouse.*`,
// `tencentcloud.tat.*`, `tencentcloud.types.input.Lighthouse.*`.

import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// Export members:
export { Provider, ProviderArgs } from "./provider";

// Export sub-modules:
import * as lighthouse from "./lighthouse";
import * as tat from "./tat";
import * as types from "./types";

export { lighthouse, tat, types };

// Not part of upstream's public API: the descriptor the classes are built from (checked by tests).
import * as schema from "./schema";
export { schema };

import { Provider } from "./provider";

pulumi.runtime.registerResourcePackage("tencentcloud", {
    version: utilities.getVersion(),
    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {
        if (type !== "pulumi:providers:tencentcloud") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new Provider(name, <any>undefined, { urn });
    },
});
