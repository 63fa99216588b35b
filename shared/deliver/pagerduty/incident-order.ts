import type { ResolveTimes } from "../../idempotency/resolve-times.ts";
import type { EnrichedAlertGroup } from "../../model/index.ts";
import type { DeliveryReceipt, Notifier } from "../notifier.ts";
import { pagerDutyDedupKey } from "./dedup-key.ts";

/**
 * SNS to Lambda is unordered and Lambda retries minutes later, so a trigger can arrive after the resolve of
 * the same incident and reopen it. Arrival order says nothing; the alerts' own times do: a trigger whose
 * firing alerts all started before the incident was last resolved is older news than that resolve. The store
 * of resolve times is shared/idempotency's (ResolveTimes).
 */
export type { ResolveTimes };

/** Pure: whether this group is a trigger older than the incident's last resolve. */
export function isStaleTrigger(group: EnrichedAlertGroup, lastResolvedAt: string | null): boolean {
  if (group.status !== "firing" || lastResolvedAt === null) return false;
  const starts = group.alerts.filter((a) => a.status === "firing").map((a) => a.startsAt);
  // Without start times (the default text template prints none) the order cannot be told: send.
  if (starts.length === 0 || starts.some((s) => s === null)) return false;
  const resolved = Date.parse(lastResolvedAt);
  return starts.every((s) => Date.parse(s as string) <= resolved);
}

/** The time a resolve group says the incident ended: its latest `endsAt`, else when SNS published it. */
export function resolvedAt(group: EnrichedAlertGroup): string | null {
  const ends = group.alerts.map((a) => a.endsAt).filter((t): t is string => t !== null);
  if (ends.length === 0) return group.source.timestamp;
  return ends.reduce((latest, t) => (Date.parse(t) > Date.parse(latest) ? t : latest));
}

/** The PagerDuty notifier, sending a trigger only when it is not older than the incident's last resolve. */
export function orderedByAlertTimes(notifier: Notifier, times: ResolveTimes): Notifier {
  return {
    sink: notifier.sink,
    render: (group) => notifier.render(group),
    sendScaleReport: (report) => notifier.sendScaleReport(report),
    sendVerification: (report) => notifier.sendVerification(report),
    async send(group): Promise<DeliveryReceipt> {
      const dedupKey = pagerDutyDedupKey(group);
      if (group.status === "firing") {
        const last = await times.lastResolvedAt(dedupKey);
        if (isStaleTrigger(group, last)) {
          return {
            sink: notifier.sink,
            requests: 0,
            skipped: `a trigger for alerts that started before the incident was resolved at ${last}`,
          };
        }
        return notifier.send(group);
      }
      const receipt = await notifier.send(group);
      const at = group.status === "resolved" ? resolvedAt(group) : null;
      if (at !== null) await times.recordResolve(dedupKey, at);
      return receipt;
    },
  };
}
