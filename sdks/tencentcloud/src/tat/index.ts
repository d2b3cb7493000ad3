import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";

import { InvocationCommandAttachment } from "./invocationCommandAttachment";

export { InvocationCommandAttachment, InvocationCommandAttachmentArgs, InvocationCommandAttachmentState } from "./invocationCommandAttachment";

const _module = {
    version: utilities.getVersion(),
    construct: (name: string, type: string, urn: string): pulumi.Resource => {
        switch (type) {
            case "tencentcloud:Tat/invocationCommandAttachment:InvocationCommandAttachment":
                return new InvocationCommandAttachment(name, <any>undefined, { urn });
            default:
                throw new Error(`unknown resource type ${type}`);
        }
    },
};
pulumi.runtime.registerResourceModule("tencentcloud", "Tat/invocationCommandAttachment", _module);
