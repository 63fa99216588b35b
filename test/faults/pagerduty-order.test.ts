import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isStaleTrigger } from "../../shared/deliver/pagerduty/index.ts";
import type { EnrichedAlertGroup } from "../../shared/model/index.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { stubLambdaEnv } from "../support/lambda-env.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";

/** Out-of-order delivery through the real notify-pagerduty handler, dynalite and a loopback PagerDuty. */
const ssm = mockClient(SSMClient);
let dynamo: LocalDynamo;
let pagerDuty: CountingWebhook;
let handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const context = lambdaContext("linklocal-sentinel-notify-pagerduty");

function incident(status: "firing" | "resolved", messageId: string, startsAt: string, endsAt: string | null) {
  const base = enrichedGroup({ cluster: "prod-order-1" });
  return {
    ...base,
    status,
    source: { ...base.source, messageId },
    alerts: base.alerts.map((a) => ({ ...a, status, startsAt, endsAt })),
  } satisfies EnrichedAlertGroup;
}

const actions = () =>
  pagerDuty.delivered.map((p) => (JSON.parse(p.body) as { event_action: string }).event_action);

beforeAll(async () => {
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable("sentinel-order");
  pagerDuty = await startCountingWebhook();
  ssm.on(GetParameterCommand).resolves({ Parameter: { Value: "R0UTINGKEY0123456789abcdef012345" } });
  stubLambdaEnv({
    PAGERDUTY_ROUTING_KEY_SECRET: "/linklocal-sentinel/pagerduty",
    PAGERDUTY_EVENTS_URL: pagerDuty.url,
    IDEMPOTENCY_TABLE: "sentinel-order",
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  });
  ({ handler } = await import("../../functions/notify-pagerduty/index.ts"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await pagerDuty.close();
  await dynamo.close();
});

describe("a trigger that arrives after the resolve of the same incident", () => {
  it("is not sent; a new firing after the resolve is", async () => {
    const send = (group: EnrichedAlertGroup) => handler(internalTopicEvent([group]), context);
    await send(incident("firing", "t-1", "2026-12-02T03:00:00.000Z", null));
    await send(incident("resolved", "r-1", "2026-12-02T03:00:00.000Z", "2026-12-02T03:20:00.000Z"));
    // Lambda's retry of a trigger that failed the first time arrives now, after the resolve.
    await send(incident("firing", "t-0-retry", "2026-12-02T02:55:00.000Z", null));
    // The alert fires again later: a new startsAt, after the resolve.
    await send(incident("firing", "t-2", "2026-12-02T04:00:00.000Z", null));
    expect(actions()).toEqual(["trigger", "resolve", "trigger"]);
  });

  it("decides by the alerts' times, not by arrival (pure rule)", () => {
    const firing = incident("firing", "x", "2026-12-02T03:00:00.000Z", null);
    expect(isStaleTrigger(firing, null)).toBe(false);
    expect(isStaleTrigger(firing, "2026-12-02T03:20:00.000Z")).toBe(true);
    expect(isStaleTrigger(firing, "2026-12-02T02:00:00.000Z")).toBe(false);
    // Without start times (default text template) the order is unknown: sent.
    const noTimes = { ...firing, alerts: firing.alerts.map((a) => ({ ...a, startsAt: null })) };
    expect(isStaleTrigger(noTimes, "2026-12-02T03:20:00.000Z")).toBe(false);
  });
});
