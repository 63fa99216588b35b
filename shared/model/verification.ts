import type { Sink } from "./enriched.ts";

/**
 * The follow-up to an alert group: whether its nodes' drops stopped, as AMP says some minutes later
 * (shared/verify). Travels on the internal topic like a scale report and goes to the group's notifiers.
 */
export type NodeDropState =
  | { node: string; state: "stopped"; lastDropAt: number }
  | { node: string; state: "dropping"; lastDropAt: number; rate: number }
  | { node: string; state: "no-drops" }
  /** AMP holds no drop counter for this node in the window: its labels do not match, nothing can be judged. */
  | { node: string; state: "no-data" };

export interface VerificationReport {
  schemaVersion: 1;
  kind: "verification";
  cluster: string | null;
  alertname: string | null;
  /** The SNS message id of the alert group this follows up. */
  messageId: string;
  /** RFC 3339 time of the check. */
  checkedAt: string;
  stopped: boolean;
  /** False when AMP could not be asked (every attempt failed): `summary` then says why, and nothing is judged. */
  checked: boolean;
  /** What was done between the alert and the check, when the scaler acted: "after scaling CoreDNS to 4". */
  after: string | null;
  /** The next step when the drops go on (or the check failed); null when they stopped. */
  next: string | null;
  /** "drops stopped at 03:14 UTC on every node" or "still dropping on 2 of 3 node(s): ...". */
  summary: string;
  nodes: NodeDropState[];
  routes: Sink[];
}
