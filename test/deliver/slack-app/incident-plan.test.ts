import { describe, expect, it } from "vitest";
import { planGroup } from "../../../shared/deliver/slack-app/incident-plan.ts";
import { EMPTY_INCIDENT, type IncidentRecord } from "../../../shared/deliver/slack-app/incident-record.ts";
import type { EnrichedAlertGroup } from "../../../shared/model/index.ts";
import { enrichedGroup } from "../../support/routing-groups.ts";

const posted = {
  channel: "C0123ABCD",
  ts: "1795392001.000001",
  permalink: "https://x.slack.com/archives/C0123ABCD/p1",
};
const record = (overrides: Partial<IncidentRecord>): IncidentRecord => ({
  ...EMPTY_INCIDENT,
  message: posted,
  status: "firing",
  lastAt: "2026-11-23T08:05:00.000Z",
  ...overrides,
});
const firing = (startsAt: string): EnrichedAlertGroup => {
  const group = enrichedGroup();
  return { ...group, alerts: group.alerts.map((a) => ({ ...a, startsAt })) };
};
const resolved = enrichedGroup({ status: "resolved" });

describe("what a group does to its incident's message (decided by times, not arrival)", () => {
  it.each([
    [
      "no message yet: post",
      EMPTY_INCIDENT,
      firing("2026-11-23T08:00:00.000Z"),
      "2026-11-23T08:00:05.000Z",
      "post",
    ],
    [
      "a newer firing group: update",
      record({}),
      firing("2026-11-23T08:00:00.000Z"),
      "2026-11-23T08:06:00.000Z",
      "update",
    ],
    [
      "an older firing group: stale",
      record({}),
      firing("2026-11-23T08:00:00.000Z"),
      "2026-11-23T08:01:00.000Z",
      "stale",
    ],
    ["the resolve: update", record({}), resolved, "2026-11-23T08:41:00.000Z", "update"],
    ["a resolve older than the message: stale", record({}), resolved, "2026-11-23T08:04:00.000Z", "stale"],
    [
      "a late firing group whose alerts started before the resolve: stale",
      record({
        status: "resolved",
        resolvedAt: "2026-11-23T08:40:00.000Z",
        lastAt: "2026-11-23T08:41:00.000Z",
      }),
      firing("2026-11-23T08:00:00.000Z"),
      "2026-11-23T08:00:05.000Z",
      "stale",
    ],
    [
      "a re-fire after the resolve: a new message",
      record({
        status: "resolved",
        resolvedAt: "2026-11-23T08:40:00.000Z",
        lastAt: "2026-11-23T08:41:00.000Z",
      }),
      firing("2026-11-23T09:30:00.000Z"),
      "2026-11-23T09:30:05.000Z",
      "post",
    ],
    [
      "a message whose ts never arrived: a new message",
      record({ message: { ...posted, ts: null } }),
      resolved,
      "2026-11-23T08:41:00.000Z",
      "post",
    ],
  ] as const)("%s", (_, incident, group, at, kind) => {
    expect(planGroup(incident, group, at).kind).toBe(kind);
  });

  it("links the resolved message from a re-fire's new one, and starts its status lines afresh", () => {
    const plan = planGroup(
      record({
        status: "resolved",
        resolvedAt: "2026-11-23T08:40:00.000Z",
        statuses: ["scaled CoreDNS 2 to 4"],
      }),
      firing("2026-11-23T09:30:00.000Z"),
      "2026-11-23T09:30:05.000Z",
    );
    expect(plan).toEqual({
      kind: "post",
      follows: { permalink: posted.permalink, because: "refired" },
      keepStatuses: false,
    });
  });
});
