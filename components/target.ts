/**
 * What every cloud target provides. A target is a row (`components/targets.ts`): the program looks it up by
 * the spec's cloud id and never branches on clouds itself.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ConfigProblem } from "../config/errors";
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

export interface CloudTarget {
  readonly id: StackSpec["cloud"];
  readonly displayName: string;
  /** Cloud-specific config rules, reported together with every other config problem. */
  validate(spec: StackSpec): ConfigProblem[];
  deploy(spec: StackSpec): Deployment;
}
