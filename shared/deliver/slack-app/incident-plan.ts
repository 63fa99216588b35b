import type { EnrichedAlertGroup } from "../../model/index.ts";
import type { IncidentRecord } from "./incident-record.ts";
import type { FollowedMessage } from "./parent-message.ts";

/**
 * What one alert group does to its incident's Slack message. Pure: decided from the record read under the
 * lease and the group's own times, never from arrival order (SNS to Lambda is unordered, retries come late).
 */
export type IncidentAction =
  /** A first message; `follows` links the one it replaces (an earlier incident, or one Slack lost). */
  | { kind: "post"; follows: FollowedMessage | null; keepStatuses: boolean }
  | { kind: "update" }
  /** Nothing to do: the message already shows something newer. */
  | { kind: "stale"; reason: string };

/** When the group was published by AMP (its place among the incident's notifications); `now` without one. */
export function groupTime(group: EnrichedAlertGroup, now: string): string {
  return group.source.timestamp ?? now;
}

export function planGroup(record: IncidentRecord, group: EnrichedAlertGroup, at: string): IncidentAction {
  const message = record.message;
  if (message === null) return { kind: "post", follows: null, keepStatuses: false };
  if (message.ts === null)
    return {
      kind: "post",
      follows: { permalink: message.permalink, because: "answer-lost" },
      keepStatuses: true,
    };
  const older = record.lastAt !== null && at < record.lastAt;
  if (group.status === "resolved") {
    return older
      ? { kind: "stale", reason: `the message already shows a later notification (${record.lastAt})` }
      : { kind: "update" };
  }
  if (record.status === "resolved") {
    // A real re-fire has an alert that started after the resolve; an older firing group arriving late has not.
    const starts = group.alerts.filter((a) => a.status === "firing").map((a) => a.startsAt);
    const refired =
      starts.length > 0 && starts.every((s) => s !== null)
        ? starts.some((s) => record.resolvedAt === null || (s as string) > record.resolvedAt)
        : !older;
    return refired
      ? { kind: "post", follows: { permalink: message.permalink, because: "refired" }, keepStatuses: false }
      : { kind: "stale", reason: `its alerts started before the incident resolved (${record.resolvedAt})` };
  }
  return older
    ? { kind: "stale", reason: `the message already shows a later notification (${record.lastAt})` }
    : { kind: "update" };
}

/** The latest `endsAt` of a resolved group: what a later firing is compared with. */
export function resolvedAt(group: EnrichedAlertGroup): string | null {
  let latest: string | null = null;
  for (const alert of group.alerts)
    if (alert.endsAt !== null && (latest === null || alert.endsAt > latest)) latest = alert.endsAt;
  return latest;
}
