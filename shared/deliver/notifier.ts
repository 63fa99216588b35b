import type { EnrichedAlertGroup, ScaleReport, Sink, VerificationReport } from "../model/index.ts";

/**
 * Every sink sits behind this one interface. A sink only renders and classifies; whether and when to retry
 * is decided in one place (shared/deliver/retry.ts).
 */
export interface Notifier<Payload = unknown> {
  readonly sink: Sink;
  /**
   * Pure: the request bodies this group turns into (one Slack message, one PagerDuty event), secrets left out:
   * PagerDuty's `routing_key` is added only by `send`, so rendered payloads are safe to print (CLI --dry-run).
   */
  render(group: EnrichedAlertGroup): Payload[];
  /** Sends what `render` produced; resolves when delivered, rejects with a DeliveryError otherwise. */
  send(group: EnrichedAlertGroup): Promise<DeliveryReceipt>;
  /** Sends what the CoreDNS scaler decided for a group (a Slack message; a PagerDuty change event). */
  sendScaleReport(report: ScaleReport): Promise<DeliveryReceipt>;
  /** Sends the follow-up of a group: whether its drops stopped (shared/verify). */
  sendVerification(report: VerificationReport): Promise<DeliveryReceipt>;
}

export interface DeliveryReceipt {
  sink: Sink;
  /** HTTP requests made, retries included. */
  requests: number;
  /** Why nothing was sent although nothing failed (a stale PagerDuty trigger), when that is the case. */
  skipped?: string;
}
