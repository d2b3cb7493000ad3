export { InvocationCommandAttachment, InvocationCommandAttachmentArgs, InvocationCommandAttachmentState } from "./invocationCommandAttachment";
