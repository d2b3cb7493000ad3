/**
 * What every cloud target provides: a row (`components/targets.ts`) that owns everything about its cloud. The
 * config side (settings schema, region key, secrets, rules) is the contract's `TargetRow`; this adds what the
 * program and the offline tools need. The program looks a target up by the spec's cloud id and never branches on
 * clouds itself; a row file imports no cloud SDK (its deploy module does, loaded only for a stack on it).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { TargetRow } from "../config/contract";
import type { StackSpec } from "../config/spec";

/** Stack outputs every cloud exports (plus its own extras). */
export interface AgentHostOutputs {
  /** The host's public IPv4 address as the cloud's provider reports it (empty if it reported none). */
  readonly publicIp?: pulumi.Output<string>;
  readonly sshCommand: pulumi.Output<string>;
  readonly sshTunnelCommand: pulumi.Output<string>;
  readonly nextSteps: pulumi.Output<string>;
  /** Bearer token for the runtime API behind the tunnel (secret). */
  readonly runtimeToken: pulumi.Output<string>;
  readonly [extra: string]: pulumi.Output<unknown> | undefined;
}

export interface Deployment {
  readonly outputs: AgentHostOutputs;
  /** The deploy bundle: rendered files with secret placeholders, by relative path. */
  readonly artifacts: pulumi.Output<Readonly<Record<string, string>>>;
}

/** The size of what carries the host payload to the host, against the cloud's limit (the bench reports it). */
export interface PayloadBudget {
  readonly payload: string;
  readonly limitBytes: number;
  readonly bytes: number;
  readonly detail: string;
}

/** The module a target loads on demand: everything that needs its cloud's SDK. */
export interface TargetDeploy<S> {
  deploy(spec: StackSpec<S>): Deployment;
  /** The largest form of the payload carrier for this spec (every secret at its longest), when the cloud has a limit. */
  payloadBudget?(spec: StackSpec<S>): PayloadBudget;
}

/** What the offline plan answers in place of this cloud, per resource type token. */
export interface TargetMocks {
  /** Outputs a resource of the type reports besides its inputs. */
  readonly outputs?: Readonly<Record<string, (name: string, inputs: Record<string, unknown>) => Record<string, unknown>>>;
  /** The id the cloud gives a resource of the type (default: an Azure-style resource id). */
  readonly ids?: Readonly<Record<string, (name: string, inputs: Record<string, unknown>) => string>>;
  /** Results of provider functions (invokes), by token. */
  readonly calls?: Readonly<Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>>;
}

export interface CloudTarget<S = unknown> extends TargetRow<S> {
  /**
   * Stack config that, over the dev stack's, makes a valid stack on this target with offline stand-ins (full keys
   * -> values as the engine passes them: objects JSON-encoded). The matrix, the bench and the boot test use it.
   */
  readonly sampleConfig: Readonly<Record<string, string>>;
  readonly mocks: TargetMocks;
  /** Type token of the resource that is the host, when the target creates one (the bench's chain ends there). */
  readonly hostType?: string;
  load(): Promise<TargetDeploy<S>>;
}
