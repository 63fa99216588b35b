import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { invokeAsync } from "../support/lambda-async.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/**
 * Fault drills over the real notify handlers: loopback Slack and PagerDuty that fail on demand, dynalite for
 * the idempotency table, and Lambda's async retries (3 attempts, then the failure queue). Each drill counts
 * what reached each sink and what was parked: 0 lost, 0 doubled.
 */
type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
let dynamo: LocalDynamo;
let slack: CountingWebhook;
let pagerDuty: CountingWebhook;
let notifySlack: Handler;
let notifyPagerDuty: Handler;
let drill = 0;

function group(overrides: Partial<EnrichedAlertGroup> = {}): EnrichedAlertGroup {
  drill++;
  const base = enrichedGroup({ routes: ["slack", "pagerduty"], cluster: `drill-${drill}` });
  return { ...base, source: { ...base.source, messageId: `amp-drill-${drill}` }, ...overrides };
}

async function loadHandlers(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return {
    slack: (await import("../../functions/notify-slack/index.ts")).handler as Handler,
    pagerDuty: (await import("../../functions/notify-pagerduty/index.ts")).handler as Handler,
  };
}

/** One SNS delivery of `g` to a function, with Lambda's retries; what reached the sink is counted after. */
async function deliver(
  handler: Handler,
  g: EnrichedAlertGroup,
  name: string,
  internalId = `internal-${g.source.messageId}`,
) {
  return invokeAsync(() => handler(internalTopicEvent([g], [internalId]), lambdaContext(name)));
}

function outcome(sink: CountingWebhook, before: number, parked: boolean) {
  const posts = sink.delivered.length - before;
  return {
    posts,
    parked: parked ? 1 : 0,
    lost: posts === 0 && !parked ? 1 : 0,
    doubled: Math.max(0, posts - 1),
  };
}

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable("sentinel-drills");
  slack = await startCountingWebhook();
  pagerDuty = await startCountingWebhook();
  ({ slack: notifySlack, pagerDuty: notifyPagerDuty } = await loadHandlers({
    SLACK_WEBHOOK_URL: `${slack.url}/services/T0/B0/x`,
    PAGERDUTY_ROUTING_KEY: "R0UTINGKEY0123456789abcdef012345",
    PAGERDUTY_EVENTS_URL: pagerDuty.url,
    IDEMPOTENCY_TABLE: "sentinel-drills",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    POWERTOOLS_LOG_LEVEL: "SILENT",
  }));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await slack.close();
  await pagerDuty.close();
  await dynamo.close();
});

describe("Slack faults", () => {
  it.each([
    ["429", [429]],
    ["5xx twice", [500, 503]],
    ["400 (blocks refused: sent again as plain text)", [400]],
  ])(
    "%s: posted once, nothing parked",
    async (_, statuses) => {
      const before = slack.delivered.length;
      slack.failNext(...statuses);
      const { parked } = await deliver(notifySlack, group(), "notify-slack");
      expect(outcome(slack, before, parked)).toEqual({ posts: 1, parked: 0, lost: 0, doubled: 0 });
    },
    30_000,
  );
});

describe("PagerDuty faults", () => {
  it.each([
    ["429", [429]],
    ["5xx twice", [502, 500]],
  ])(
    "%s: sent once, nothing parked",
    async (_, statuses) => {
      const before = pagerDuty.delivered.length;
      pagerDuty.failNext(...statuses);
      const { parked } = await deliver(notifyPagerDuty, group(), "notify-pagerduty");
      expect(outcome(pagerDuty, before, parked)).toEqual({ posts: 1, parked: 0, lost: 0, doubled: 0 });
    },
    30_000,
  );

  it("400: final, parked in the failure queue after Lambda's retries, nothing sent", async () => {
    const before = pagerDuty.delivered.length;
    const requests = pagerDuty.received.length;
    pagerDuty.failNext(400, 400, 400);
    const { parked } = await deliver(notifyPagerDuty, group(), "notify-pagerduty");
    expect(outcome(pagerDuty, before, parked)).toEqual({ posts: 0, parked: 1, lost: 0, doubled: 0 });
    // A 400 is not retried inside an invocation: one request per Lambda attempt.
    expect(pagerDuty.received.length - requests).toBe(3);
  });
});

describe("duplicates", () => {
  it("HA copies (same alerts, two message ids) and an SNS redelivery: one post per sink", async () => {
    const first = group();
    const copy = { ...structuredClone(first), source: { ...first.source, messageId: "amp-peer-b" } };
    const [slackBefore, pdBefore] = [slack.delivered.length, pagerDuty.delivered.length];
    for (const [g, id] of [
      [first, "i-1"],
      [copy, "i-2"],
      [first, "i-3"],
    ] as const) {
      await deliver(notifySlack, g, "notify-slack", id);
      await deliver(notifyPagerDuty, g, "notify-pagerduty", id);
    }
    expect(outcome(slack, slackBefore, false)).toEqual({ posts: 1, parked: 0, lost: 0, doubled: 0 });
    expect(outcome(pagerDuty, pdBefore, false)).toEqual({ posts: 1, parked: 0, lost: 0, doubled: 0 });
  });
});

describe("DynamoDB down", () => {
  it("fails closed: nothing posted, the group parked in the failure queue (not lost)", async () => {
    const down = await loadHandlers({ AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:9" });
    const before = slack.delivered.length;
    const { parked } = await deliver(down.slack, group(), "notify-slack");
    expect(outcome(slack, before, parked)).toEqual({ posts: 0, parked: 1, lost: 0, doubled: 0 });
  }, 60_000);
});
