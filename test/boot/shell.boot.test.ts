// Shell flavour (Lighthouse, manual installs): the idempotent bootstrap, run as root on a booted host.
import { BOOT_CASES } from "./payloads";
import { describeBootCase } from "./suite";

for (const { bridge } of BOOT_CASES.filter((c) => c.flavour === "shell")) describeBootCase("shell", bridge);
