export { Provider, ProviderArgs } from "./provider";
import * as lighthouse from "./lighthouse";
import * as tat from "./tat";
import * as types from "./types";
export { lighthouse, tat, types };
import * as schema from "./schema";
export { schema };
