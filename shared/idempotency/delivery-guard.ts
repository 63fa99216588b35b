import type { Context } from "aws-lambda";
import type { Sink } from "../model/index.ts";

/** What makes two deliveries the same: the original (AMP) SNS message id and the sink. */
export interface DeliveryKey {
  sink: Sink;
  messageId: string;
  /**
   * A hash of what the message says (see contentKey): the same alerts sent again under another message id
   * by a second Alertmanager peer. Deduplicated within the content window.
   */
  contentKey?: string;
}

export type GuardedDelivery<Result> =
  /** `deliver` ran and succeeded now. */
  | {
      delivered: true;
      result: Result;
      /** Set when the send succeeded but recording it kept failing: a later redelivery may send again. */
      completionError?: string;
    }
  /** An earlier invocation already delivered; `result` is what it stored. `deliver` did not run. */
  | { delivered: false; result: Result };

export interface DeliveryGuard {
  /** "dynamodb" when deliveries are deduplicated, "off" when IDEMPOTENCY_TABLE is unset. */
  readonly mode: "dynamodb" | "off";
  /**
   * Registers the current invocation, so the in-progress marker expires when this invocation's time runs out
   * and a retry after a crash or timeout may deliver. Call at the start of every Lambda invocation.
   */
  useLambdaContext(context: Pick<Context, "getRemainingTimeInMillis">): void;
  /**
   * Runs `deliver` unless this key (or, within the window, this content) was already delivered. A failure is
   * not remembered (the record is removed, so a retry delivers); a concurrent delivery of the same key makes
   * this call throw DeliveryInProgressError. Once `deliver` succeeded it never runs again for this key: a
   * failing completion write is retried on its own, never by sending again.
   */
  deliverOnce<Result>(key: DeliveryKey, deliver: () => Promise<Result>): Promise<GuardedDelivery<Result>>;
}

/** The guard without a table (IDEMPOTENCY_TABLE unset): every delivery runs, nothing is remembered. */
export function noDeduplication(): DeliveryGuard {
  return {
    mode: "off",
    useLambdaContext() {},
    async deliverOnce(_key, deliver) {
      return { delivered: true, result: await deliver() };
    },
  };
}
