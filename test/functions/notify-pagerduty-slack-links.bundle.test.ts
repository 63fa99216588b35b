import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SLACK_THREAD_LINK_TEXT } from "../../shared/deliver/pagerduty/slack-thread-link.ts";
import {
  dynamoIncidentStore,
  INCIDENT_KEY_PREFIX,
  MESSAGE_KEY_PREFIX,
} from "../../shared/deliver/slack-app/dynamo-incident-store.ts";
import { slackIncidentKey } from "../../shared/deliver/slack-app/incident-key.ts";
import { EMPTY_INCIDENT } from "../../shared/deliver/slack-app/incident-record.ts";
import type { EnrichedAlertGroup, ScaleReport } from "../../shared/model/index.ts";
import { type AwsJsonStandIn, startAwsJsonStandIn } from "../support/aws-json-stand-in.ts";
import { type BundleHandler, importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type DynamoFaultProxy, startDynamoFaultProxy } from "../support/dynamo-fault-proxy.ts";
import { captureOutput } from "../support/routing-capture.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { type CountingWebhook, startCountingWebhook } from "../support/routing-webhook.ts";
import { scaleReportFixture } from "../support/scale-fixtures.ts";

/**
 * Slack app mode's thread, linked from PagerDuty: the built notify-pagerduty bundle reads the permalink
 * notify-slack keeps in the idempotency table (dynalite behind a fault proxy; the records written by the
 * store notify-slack runs) and the loopback PagerDuty endpoint shows what each event carried.
 */
const ROUTING_KEY = "SLACKLINKSKEY0123456789abcdef012";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:pagerduty-AbCdEf";
const TABLE = "links-idempotency";
const build = samBuildDir();
const context = lambdaContext("linklocal-sentinel-notify-pagerduty");
let file: string;
let pagerDuty: CountingWebhook;
let secrets: AwsJsonStandIn;
let dynamo: LocalDynamo;
let proxy: DynamoFaultProxy;

beforeAll(async () => {
  file = await samBuild("NotifyPagerDutyFunction", build.path);
  pagerDuty = await startCountingWebhook();
  secrets = await startAwsJsonStandIn({
    "secretsmanager.GetSecretValue": { ARN: SECRET_ARN, Name: "pagerduty", SecretString: ROUTING_KEY },
  });
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable(TABLE);
  proxy = await startDynamoFaultProxy(dynamo.endpoint);
}, 180_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([pagerDuty.close(), secrets.close(), proxy.close(), dynamo.close()]);
  build.remove();
});
beforeEach(() => {
  proxy.faultKeys(INCIDENT_KEY_PREFIX, null);
  proxy.faultKeys(MESSAGE_KEY_PREFIX, null);
});

const env = (extra: Record<string, string> = {}) => ({
  PAGERDUTY_ROUTING_KEY_SECRET: SECRET_ARN,
  PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
  IDEMPOTENCY_TABLE: TABLE,
  AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
  DUPLICATE_WINDOW_SECONDS: "0",
  SLACK_INCIDENT_LINKS: "true",
  ...extra,
});

/** What notify-slack writes once its post landed: the incident's record, and the AMP message's link to it. */
const slackStore = () => dynamoIncidentStore({ tableName: TABLE, client: dynamo.client });
async function slackPosted(group: EnrichedAlertGroup, permalink: string): Promise<void> {
  const store = slackStore();
  const key = slackIncidentKey(group);
  const lease = await store.acquire(key);
  await store.save(lease, {
    ...EMPTY_INCIDENT,
    message: { channel: "C0SENTINEL1", ts: "1700000000.000100", permalink },
    status: "firing",
  });
  await store.link(group.source.messageId, key, permalink);
}

let published = 0;
const event = (message: EnrichedAlertGroup | ScaleReport) =>
  internalTopicEvent([message as EnrichedAlertGroup], [`internal-${++published}`]);

interface SentEvent {
  routing_key: string;
  event_action: string;
  dedup_key?: string;
  links?: { href: string; text: string }[];
  payload: { summary: string };
}
const sentSince = (start: number) =>
  pagerDuty.delivered
    .slice(start)
    .map((post) => ({ path: post.path, ...(JSON.parse(post.body) as SentEvent) }));
const slackLinks = (sent: SentEvent) => (sent.links ?? []).filter((l) => l.text === SLACK_THREAD_LINK_TEXT);

/** One incident of its own per test (PagerDuty keys on cluster and alertname), in two groups: first and refire. */
function incident(cluster: string) {
  const base = enrichedGroup({
    cluster,
    commonLabels: { ...enrichedGroup().commonLabels, cluster },
    externalURL: "https://alertmanager.example.com",
    groupKey: `{}:{alertname="LinkLocalAllowanceExceeded", cluster="${cluster}"}`,
  });
  const source = (id: string) => ({ ...base.source, messageId: `${cluster}-${id}` });
  const alert = base.alerts[0] as EnrichedAlertGroup["alerts"][number];
  const joined = {
    ...alert,
    fingerprint: "fedcba9876543210",
    labels: { ...alert.labels, instance: "10.0.2.9:9100" },
  };
  return {
    first: { ...base, source: source("first") },
    refire: { ...base, alerts: [alert, joined], source: source("refire") },
    resolved: {
      ...base,
      status: "resolved",
      alerts: [alert, joined].map((a) => ({ ...a, status: "resolved", endsAt: "2026-11-23T08:41:00.000Z" })),
      source: source("resolved"),
    } as EnrichedAlertGroup,
  };
}

describe("PagerDuty links Slack app mode's thread (built notify-pagerduty, SLACK_INCIDENT_LINKS=true)", () => {
  let handler: BundleHandler;
  beforeAll(async () => {
    // WARN: the logger is made once per copy of the bundle, and the fault tests read its warnings.
    handler = await importHandler(file, env({ POWERTOOLS_LOG_LEVEL: "WARN" }));
  });

  it("sends a trigger before Slack's message exists without the link, and the refire after it with the link first", async () => {
    const groups = incident("links-race");
    const permalink = "https://sentinel-test.slack.com/archives/C0SENTINEL1/p1700000000000100";
    const start = pagerDuty.delivered.length;
    const reads = proxy.callsOn(INCIDENT_KEY_PREFIX).GetItem ?? 0;

    await handler(event(groups.first), context);
    await slackPosted(groups.first, permalink);
    await handler(event(groups.refire), context);

    const [first, refire] = sentSince(start);
    expect(first).toMatchObject({ routing_key: ROUTING_KEY, event_action: "trigger" });
    expect(slackLinks(first as SentEvent)).toEqual([]);
    expect(refire).toMatchObject({ event_action: "trigger", dedup_key: first?.dedup_key });
    expect(refire?.links?.[0]).toEqual({ href: permalink, text: SLACK_THREAD_LINK_TEXT });
    // The configured links stay beside it.
    expect(refire?.links).toContainEqual({ href: "https://alertmanager.example.com/", text: "Alertmanager" });
    expect((proxy.callsOn(INCIDENT_KEY_PREFIX).GetItem ?? 0) - reads).toBe(2);
  });

  it("sends the resolve as before: no link, nothing of Slack's read", async () => {
    const groups = incident("links-resolve");
    await slackPosted(groups.first, "https://sentinel-test.slack.com/archives/C0SENTINEL1/p1700000000000200");
    const start = pagerDuty.delivered.length;
    const reads = proxy.callsOn(INCIDENT_KEY_PREFIX).GetItem ?? 0;
    await handler(event(groups.resolved), context);
    const [resolve] = sentSince(start);
    expect(resolve).toMatchObject({ event_action: "resolve" });
    expect(resolve?.links).toBeUndefined();
    expect(proxy.callsOn(INCIDENT_KEY_PREFIX).GetItem ?? 0).toBe(reads);
  });

  it("links the thread from the scale report's change event, through the AMP message's record", async () => {
    const groups = incident("links-scale");
    const permalink = "https://sentinel-test.slack.com/archives/C0SENTINEL1/p1700000000000300";
    await slackPosted(groups.first, permalink);
    const start = pagerDuty.delivered.length;
    const report = scaleReportFixture({
      cluster: "links-scale",
      messageId: groups.first.source.messageId,
      routes: ["slack", "pagerduty"],
    });
    await handler(event(report), context);
    const [change] = sentSince(start);
    expect(change?.path).toMatch(/\/v2\/change\/enqueue$/);
    expect(change?.links).toEqual([{ href: permalink, text: SLACK_THREAD_LINK_TEXT }]);
  });

  it.each([
    ["answers 500", "error"],
    ["never answers", "hang"],
  ] as const)(
    "delivers the trigger without the link when the table %s for Slack's records",
    async (_, fault) => {
      const groups = incident(`links-${fault}`);
      await slackPosted(
        groups.first,
        "https://sentinel-test.slack.com/archives/C0SENTINEL1/p1700000000000400",
      );
      proxy.faultKeys(INCIDENT_KEY_PREFIX, fault);
      const start = pagerDuty.delivered.length;
      const output = captureOutput();
      let outcome: unknown;
      try {
        outcome = await handler(event(groups.refire), context);
      } finally {
        output.restore();
      }
      expect(outcome).toEqual([expect.objectContaining({ status: "delivered" })]);
      expect(output.text()).toContain("the Slack thread's link could not be read");
      expect(output.text()).not.toContain(ROUTING_KEY);
      const [trigger] = sentSince(start);
      expect(trigger).toMatchObject({ routing_key: ROUTING_KEY, event_action: "trigger" });
      expect(slackLinks(trigger as SentEvent)).toEqual([]);
      expect(trigger?.payload.summary).not.toBe("");
    },
    60_000,
  );
});

describe("notify-pagerduty without SLACK_INCIDENT_LINKS", () => {
  it("reads nothing of Slack's and sends no Slack link, even when the thread exists", async () => {
    const handler = await importHandler(file, env({ SLACK_INCIDENT_LINKS: "" }));
    const groups = incident("links-off");
    await slackPosted(groups.first, "https://sentinel-test.slack.com/archives/C0SENTINEL1/p1700000000000500");
    const reads = { ...proxy.callsOn(INCIDENT_KEY_PREFIX) };
    const start = pagerDuty.delivered.length;
    await handler(event(groups.refire), context);
    const [trigger] = sentSince(start);
    expect(trigger).toMatchObject({ event_action: "trigger" });
    expect(slackLinks(trigger as SentEvent)).toEqual([]);
    expect(proxy.callsOn(INCIDENT_KEY_PREFIX)).toEqual(reads);
  });

  it("refuses SLACK_INCIDENT_LINKS=true without IDEMPOTENCY_TABLE at cold start, naming both", async () => {
    await expect(importHandler(file, env({ IDEMPOTENCY_TABLE: "" }))).rejects.toMatchObject({
      name: "ConfigError",
      message: expect.stringMatching(/SLACK_INCIDENT_LINKS=true needs IDEMPOTENCY_TABLE/),
    });
  });
});
