import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createDeliveryGuard,
  type DeliveryGuard,
  DeliveryInProgressError,
  IdempotencyStoreError,
  readIdempotencyConfig,
} from "../../shared/idempotency/index.ts";
import type { Sink } from "../../shared/model/index.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

let dynamo: LocalDynamo;
let webhook: CountingWebhook;
let tableNumber = 0;
let tableName: string;

beforeAll(async () => {
  dynamo = await startDynalite();
  webhook = await startCountingWebhook();
});
afterAll(async () => {
  await webhook.close();
  await dynamo.close();
});
beforeEach(async () => {
  tableNumber++;
  tableName = `sentinel-idempotency-${tableNumber}`;
  await dynamo.createIdempotencyTable(tableName);
  webhook.delivered.length = 0;
  webhook.received.length = 0;
});

/** A new guard per call stands for a new Lambda execution environment: nothing shared but the table. */
function guard(options: { inProgressMs?: number } = {}): DeliveryGuard {
  return createDeliveryGuard({ tableName, expiresAfterSeconds: 3600 }, { client: dynamo.client, ...options });
}

async function post(sink: Sink, messageId: string): Promise<{ sink: Sink; requests: number }> {
  const response = await fetch(webhook.url, {
    method: "POST",
    body: JSON.stringify({ sink, messageId }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) throw new Error(`webhook answered ${response.status}`);
  return { sink, requests: 1 };
}

async function storedItems() {
  const { Items = [] } = await dynamo.client.send(new ScanCommand({ TableName: tableName }));
  return Items;
}

describe("deliverOnce with DynamoDB (dynalite)", () => {
  it("posts once when the same SNS message arrives three times", async () => {
    const key = { sink: "slack", messageId: "msg-1" } as const;
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await guard().deliverOnce(key, () => post("slack", "msg-1")));
    expect(webhook.delivered).toHaveLength(1);
    expect(outcomes.map((outcome) => outcome.delivered)).toEqual([true, false, false]);
    expect(outcomes[2]?.result).toEqual({ sink: "slack", requests: 1 });
    const [item] = await storedItems();
    expect(item?.status?.S).toBe("COMPLETED");
    const expiration = Number(item?.expiration?.N);
    expect(expiration).toBeGreaterThan(Date.now() / 1000 + 3000);
    expect(expiration).toBeLessThanOrEqual(Date.now() / 1000 + 3600 + 1);
  });

  it("posts once when two deliveries run at the same time; the other fails so Lambda retries it", async () => {
    const key = { sink: "pagerduty", messageId: "msg-2" } as const;
    webhook.hold();
    const first = guard().deliverOnce(key, () => post("pagerduty", "msg-2"));
    await waitFor(() => webhook.received.length === 1);
    const second = guard().deliverOnce(key, () => post("pagerduty", "msg-2"));
    await expect(second).rejects.toBeInstanceOf(DeliveryInProgressError);
    await expect(second).rejects.toThrow("pagerduty notification for message msg-2 is being delivered");
    webhook.release();
    expect((await first).delivered).toBe(true);
    // Lambda's retry of the second invocation finds the delivery done.
    expect((await guard().deliverOnce(key, () => post("pagerduty", "msg-2"))).delivered).toBe(false);
    expect(webhook.received).toHaveLength(1);
  });

  it("does not remember a failed delivery, so the retry posts (once)", async () => {
    const key = { sink: "slack", messageId: "msg-3" } as const;
    webhook.failNext(503);
    await expect(guard().deliverOnce(key, () => post("slack", "msg-3"))).rejects.toThrow(
      "webhook answered 503",
    );
    expect(await storedItems()).toHaveLength(0);
    expect((await guard().deliverOnce(key, () => post("slack", "msg-3"))).delivered).toBe(true);
    expect((await guard().deliverOnce(key, () => post("slack", "msg-3"))).delivered).toBe(false);
    expect(webhook.received).toHaveLength(2);
    expect(webhook.delivered).toHaveLength(1);
  });

  it("deduplicates each sink on its own", async () => {
    for (const sink of ["slack", "pagerduty", "slack", "pagerduty"] as const) {
      await guard().deliverOnce({ sink, messageId: "msg-4" }, () => post(sink, "msg-4"));
    }
    await guard().deliverOnce({ sink: "slack", messageId: "msg-5" }, () => post("slack", "msg-5"));
    expect(webhook.delivered.map((request) => JSON.parse(request.body))).toEqual([
      { sink: "slack", messageId: "msg-4" },
      { sink: "pagerduty", messageId: "msg-4" },
      { sink: "slack", messageId: "msg-5" },
    ]);
  });

  it("lets a retry deliver once a crashed invocation's in-progress marker has expired", async () => {
    const key = { sink: "slack", messageId: "msg-6" } as const;
    const crashed = guard();
    crashed.useLambdaContext({ getRemainingTimeInMillis: () => 1 });
    // The invocation is frozen mid-delivery and never returns (a Lambda timeout).
    void crashed.deliverOnce(key, () => new Promise(() => {}));
    await waitFor(async () => (await storedItems()).length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await guard().deliverOnce(key, () => post("slack", "msg-6"))).delivered).toBe(true);
    expect(webhook.delivered).toHaveLength(1);
  });

  it("posts nothing when the table cannot be used", async () => {
    const broken = createDeliveryGuard(
      { tableName: "no-such-table", expiresAfterSeconds: 3600 },
      { client: dynamo.client },
    );
    const result = broken.deliverOnce({ sink: "slack", messageId: "msg-7" }, () => post("slack", "msg-7"));
    await expect(result).rejects.toBeInstanceOf(IdempotencyStoreError);
    await expect(result).rejects.toThrow(
      /idempotency table no-such-table failed for the slack notification of message msg-7/,
    );
    expect(webhook.received).toHaveLength(0);
  });
});

describe("without IDEMPOTENCY_TABLE", () => {
  it("delivers every time (CLI replay)", async () => {
    const off = createDeliveryGuard(readIdempotencyConfig({}));
    expect(off.mode).toBe("off");
    for (let i = 0; i < 2; i++) {
      expect(
        (await off.deliverOnce({ sink: "slack", messageId: "m" }, () => post("slack", "m"))).delivered,
      ).toBe(true);
    }
    expect(webhook.delivered).toHaveLength(2);
  });
});

describe("readIdempotencyConfig", () => {
  it("reads the table and the expiry with a 24 h default", () => {
    expect(readIdempotencyConfig({})).toEqual({
      tableName: null,
      expiresAfterSeconds: 86_400,
      contentWindowSeconds: 600,
    });
    expect(
      readIdempotencyConfig({
        IDEMPOTENCY_TABLE: "t",
        IDEMPOTENCY_TTL_SECONDS: "3600",
        DUPLICATE_WINDOW_SECONDS: "0",
      }),
    ).toEqual({ tableName: "t", expiresAfterSeconds: 3600, contentWindowSeconds: 0 });
    expect(() => readIdempotencyConfig({ IDEMPOTENCY_TTL_SECONDS: "10" })).toThrow(
      /IDEMPOTENCY_TTL_SECONDS must be >= 60/,
    );
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("condition not met within 5 s");
}
