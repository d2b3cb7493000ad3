/**
 * codewhale-remote: one stack = one remote CodeWhale agent host, reachable from a chat app.
 * Reads the stack config, validates all of it, deploys through the selected cloud target, exports outputs.
 */
import { runProgram } from "./program";

export = async () => (await runProgram()).outputs;
