// Shell flavour (Lighthouse, manual installs): the idempotent bootstrap, run as root on a booted host.
import { bridgeIds } from "../../bridges/registry";
import { describeBootCase } from "./suite";

for (const bridge of bridgeIds) describeBootCase("shell", bridge);
