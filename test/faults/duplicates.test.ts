import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDeliveryGuard, type DeliveryGuard, groupContentKey } from "../../shared/idempotency/index.ts";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type DynamoFaultProxy, startDynamoFaultProxy } from "../support/dynamo-fault-proxy.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

let dynamo: LocalDynamo;
let proxy: DynamoFaultProxy;
let webhook: CountingWebhook;
let table = 0;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  proxy = await startDynamoFaultProxy(dynamo.endpoint);
  webhook = await startCountingWebhook();
});
afterAll(async () => {
  await webhook.close();
  await proxy.close();
  await dynamo.close();
});
beforeEach(async () => {
  tableName = `dedup-${++table}`;
  await dynamo.createIdempotencyTable(tableName);
  webhook.delivered.length = 0;
});

/** A new guard per call: a new Lambda execution environment sharing nothing but the table. */
function guard(contentWindowSeconds = 600): DeliveryGuard {
  return createDeliveryGuard(
    { tableName, expiresAfterSeconds: 3600, contentWindowSeconds },
    { client: proxy.client, sleep: async () => {} },
  );
}

async function deliver(group: EnrichedAlertGroup, messageId: string, using = guard()) {
  return using.deliverOnce({ sink: "slack", messageId, contentKey: groupContentKey(group) }, async () => {
    const response = await fetch(webhook.url, { method: "POST", body: messageId });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    return { sink: "slack" as const, requests: 1 };
  });
}

describe("Alertmanager HA duplicates: the same content under two message ids", () => {
  it("posts the first copy only", async () => {
    const group = enrichedGroup();
    expect((await deliver(group, "peer-a-1")).delivered).toBe(true);
    expect((await deliver(structuredClone(group), "peer-b-1")).delivered).toBe(false);
    expect(webhook.delivered.map((p) => p.body)).toEqual(["peer-a-1"]);
  });

  it("still posts a real change: a node joining, a resolve", async () => {
    const group = enrichedGroup();
    const joined = structuredClone(group);
    joined.alerts.push({ ...structuredClone(group.alerts[0]!), fingerprint: "00000000000000ff" });
    const resolved: EnrichedAlertGroup = {
      ...structuredClone(group),
      status: "resolved",
      alerts: group.alerts.map((a) => ({ ...a, status: "resolved", endsAt: "2026-12-02T03:00:00.000Z" })),
    };
    for (const [g, id] of [
      [group, "m-1"],
      [joined, "m-2"],
      [resolved, "m-3"],
    ] as const)
      await deliver(g, id);
    expect(webhook.delivered.map((p) => p.body)).toEqual(["m-1", "m-2", "m-3"]);
  });

  it("with the window at 0, deduplicates by message id only", async () => {
    const group = enrichedGroup();
    await deliver(group, "a", guard(0));
    await deliver(group, "b", guard(0));
    await deliver(group, "b", guard(0));
    expect(webhook.delivered.map((p) => p.body)).toEqual(["a", "b"]);
  });

  it("keys on the alerts, not on enrichment that differs between the two copies", () => {
    const group = enrichedGroup();
    const other = structuredClone(group);
    other.diagnosis = [];
    other.coredns = null;
    other.source = { ...other.source, messageId: "other" };
    expect(groupContentKey(other)).toBe(groupContentKey(group));
    expect(groupContentKey({ ...group, status: "resolved" })).not.toBe(groupContentKey(group));
  });
});

describe("a completion write that fails after the post", () => {
  it("is retried on its own: one post, and a redelivery later posts nothing", async () => {
    const group = enrichedGroup();
    const before = proxy.calls.UpdateItem ?? 0;
    // Powertools' own completion write fails for both keys; the guard's retries then succeed.
    proxy.failNext("UpdateItem", 2);
    const first = await deliver(group, "complete-1");
    expect(first).toMatchObject({ delivered: true });
    expect(first.delivered && first.completionError).toBeUndefined();
    expect((proxy.calls.UpdateItem ?? 0) - before).toBeGreaterThanOrEqual(3);
    expect((await deliver(group, "complete-1")).delivered).toBe(false);
    expect(webhook.delivered).toHaveLength(1);
  });

  it("never posts again when recording keeps failing: the invocation succeeds and says so", async () => {
    const group = enrichedGroup();
    proxy.failNext("UpdateItem", 100);
    const outcome = await deliver(group, "never-complete");
    proxy.failNext("UpdateItem", 0);
    expect(outcome.delivered).toBe(true);
    expect(outcome.delivered && outcome.completionError).toMatch(/injected|InternalServerError/);
    expect(webhook.delivered).toHaveLength(1);
  });

  it("fails closed when the in-progress write itself fails: nothing posted, the retry posts once", async () => {
    const group = enrichedGroup();
    proxy.failNext("PutItem", 1);
    await expect(deliver(group, "put-fails")).rejects.toThrow(/idempotency table/);
    expect(webhook.delivered).toHaveLength(0);
    await deliver(group, "put-fails");
    await deliver(group, "put-fails");
    expect(webhook.delivered).toHaveLength(1);
  });
});
