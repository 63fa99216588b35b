import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  INCIDENT_KEY_PREFIX,
  MESSAGE_KEY_PREFIX,
  PERMALINK_ATTRIBUTE,
} from "../../shared/deliver/slack-app/dynamo-incident-store.ts";
import { slackIncidentKey } from "../../shared/deliver/slack-app/incident-key.ts";
import type { EnrichedAlertGroup, ScaleReport, VerificationReport } from "../../shared/model/index.ts";
import { type AwsJsonStandIn, startAwsJsonStandIn } from "../support/aws-json-stand-in.ts";
import { type BundleHandler, importHandler, samBuild, samBuildDir } from "../support/bundles.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { type DynamoFaultProxy, startDynamoFaultProxy } from "../support/dynamo-fault-proxy.ts";
import { invokeAsync } from "../support/lambda-async.ts";
import { captureOutput } from "../support/routing-capture.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent, lambdaContext } from "../support/routing-lambda.ts";
import { scaleReportFixture, verificationFixture } from "../support/scale-fixtures.ts";
import { type SlackWebApiStandIn, STAND_IN_TEAM, startSlackWebApi } from "../support/slack-web-api.ts";

/**
 * Slack app mode through the built notify-slack bundle: a Slack Web API stand-in that checks every call, the
 * bot token from a Secrets Manager stand-in, and the incident records in dynalite (behind a fault proxy).
 */
const TOKEN = "xoxb-1111111111-2222222222-SentinelTestToken0123";
const CHANNEL = "C0SENTINEL1";
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:slack-bot-AbCdEf";
const build = samBuildDir();
const context = lambdaContext("linklocal-sentinel-notify-slack");
let file: string;
let slack: SlackWebApiStandIn;
let secrets: AwsJsonStandIn;
let dynamo: LocalDynamo;
let proxy: DynamoFaultProxy;

beforeAll(async () => {
  file = await samBuild("NotifySlackFunction", build.path);
  slack = await startSlackWebApi({
    token: TOKEN,
    channels: { [CHANNEL]: { member: true }, C0OUTSIDER1: { member: false } },
  });
  secrets = await startAwsJsonStandIn({
    "secretsmanager.GetSecretValue": {
      ARN: SECRET_ARN,
      Name: "slack-bot",
      SecretString: JSON.stringify({ botToken: TOKEN }),
    },
  });
  dynamo = await startDynalite();
  await dynamo.createIdempotencyTable("app-idempotency");
  proxy = await startDynamoFaultProxy(dynamo.endpoint);
}, 180_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([slack.close(), secrets.close(), proxy.close(), dynamo.close()]);
  build.remove();
});
beforeEach(() => {
  for (const operation of ["PutItem", "UpdateItem", "GetItem", "DeleteItem"]) proxy.failNext(operation, 0);
});

const appEnv = (extra: Record<string, string> = {}) => ({
  SLACK_BOT_TOKEN_SECRET: SECRET_ARN,
  SLACK_CHANNEL: CHANNEL,
  SLACK_API_URL: slack.url,
  IDEMPOTENCY_TABLE: "app-idempotency",
  AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
  // These incidents share alerts on purpose; HA copies are the delivery guard's (test/faults).
  DUPLICATE_WINDOW_SECONDS: "0",
  ...extra,
});
const load = (extra: Record<string, string> = {}) => importHandler(file, appEnv(extra));

/** One Alertmanager group's notifications: firing on one node, then two, then resolved. */
function incident(name: string) {
  const base = enrichedGroup({ groupKey: `{}:{alertname="LinkLocalAllowanceExceeded", incident="${name}"}` });
  const alert = base.alerts[0] as EnrichedAlertGroup["alerts"][number];
  const second = {
    ...alert,
    fingerprint: "fedcba9876543210",
    labels: { ...alert.labels, instance: "10.0.2.9:9100", node: "ip-10-0-2-9.eu-west-1.compute.internal" },
  };
  const source = (id: string, at: string) => ({ ...base.source, messageId: `${name}-${id}`, timestamp: at });
  return {
    firing: { ...base, source: source("firing", "2026-11-23T08:00:05.000Z") },
    refire: { ...base, alerts: [alert, second], source: source("refire", "2026-11-23T08:05:05.000Z") },
    resolved: {
      ...base,
      status: "resolved",
      alerts: [alert, second].map((a) => ({ ...a, status: "resolved", endsAt: "2026-11-23T08:41:00.000Z" })),
      source: source("resolved", "2026-11-23T08:41:05.000Z"),
    } as EnrichedAlertGroup,
  };
}

let published = 0;
/** One internal-topic record, with an internal message id of its own as each publish has. */
const event = (message: EnrichedAlertGroup | ScaleReport | VerificationReport) =>
  internalTopicEvent([message as EnrichedAlertGroup], [`internal-${++published}`]);
const callsSince = (start: number) => slack.calls.slice(start);
const methods = (start: number) => callsSince(start).map((call) => call.method);
const texts = (blocks: unknown) => JSON.stringify(blocks);

function expectCorrectCalls(start: number): void {
  for (const call of callsSince(start)) {
    expect(call.problems, call.method).toEqual([]);
    expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
  }
}

describe("Slack app mode, one message per incident (built notify-slack)", () => {
  let handler: BundleHandler;
  beforeAll(async () => {
    handler = await load();
  });

  it("posts the first firing group, updates it in place when a node joins, and again when it resolves", async () => {
    const groups = incident("in-place");
    const start = slack.calls.length;
    const before = slack.messages.length;
    await handler(event(groups.firing), context);
    expect(methods(start)).toEqual(["chat.postMessage", "chat.getPermalink"]);
    const message = slack.messages[before];
    expect(slack.messages).toHaveLength(before + 1);
    expect(message?.channel).toBe(CHANNEL);
    expect(texts(message?.blocks)).toContain("FIRING");

    await handler(event(groups.refire), context);
    await handler(event(groups.resolved), context);
    expect(methods(start).slice(2)).toEqual(["chat.update", "chat.update"]);
    expect(
      callsSince(start)
        .slice(2)
        .map((call) => call.body.ts),
    ).toEqual([message?.ts, message?.ts]);
    expect(slack.messages).toHaveLength(before + 1);
    expect(message?.updates).toBe(2);
    const shown = texts(message?.blocks);
    expect(shown).toContain("RESOLVED");
    expect(shown).toContain("*Lasted*");
    expect(shown).toContain("10.0.2.9:9100");
    expectCorrectCalls(start);
    // The permalink, as its own attribute of the incident's and the message's records: all notify-pagerduty
    // may read of them (SLACK_INCIDENT_LINKS, test/functions/notify-pagerduty-slack-links.bundle.test.ts).
    const permalink = `${STAND_IN_TEAM}/archives/${CHANNEL}/p${message?.ts.replace(".", "")}`;
    for (const id of [
      INCIDENT_KEY_PREFIX + slackIncidentKey(groups.firing),
      MESSAGE_KEY_PREFIX + groups.firing.source.messageId,
    ]) {
      const { Item } = await dynamo.client.send(
        new GetItemCommand({ TableName: "app-idempotency", Key: { id: { S: id } } }),
      );
      expect(Item?.[PERMALINK_ATTRIBUTE]?.S, id).toBe(permalink);
    }
  });

  it("replies to the scale report and the verification in the incident's thread, with a status line on the parent", async () => {
    const groups = incident("thread");
    await handler(event(groups.firing), context);
    const parent = slack.messages.at(-1);
    const start = slack.calls.length;
    const messageId = groups.firing.source.messageId;
    await handler(event(scaleReportFixture({ messageId, cluster: "prod-eu-1" })), context);
    await handler(event(verificationFixture({ messageId, cluster: "prod-eu-1" })), context);
    expect(methods(start)).toEqual(["chat.postMessage", "chat.update", "chat.postMessage", "chat.update"]);
    const replies = slack.messages.filter((m) => m.threadTs === parent?.ts);
    expect(replies.map((m) => m.text)).toEqual([
      expect.stringContaining("CoreDNS scaled up"),
      expect.stringContaining("Drops stopped"),
    ]);
    const status = texts(parent?.blocks[1]);
    expect(status).toContain("scaled CoreDNS 2 to 3");
    expect(status).toContain("drops stopped <!date^1796267640^");

    // The resolve keeps the story on the parent: what was done and found, and how long it lasted.
    await handler(event(groups.resolved), context);
    expect(texts(parent?.blocks)).toMatch(/RESOLVED.*scaled CoreDNS 2 to 3.*drops stopped.*Lasted/s);
    expectCorrectCalls(start);
  });

  it("makes one message when a firing group and its resolve arrive together", async () => {
    const groups = incident("race");
    const other = await load();
    const before = slack.messages.length;
    const start = slack.calls.length;
    await Promise.all([handler(event(groups.firing), context), other(event(groups.resolved), context)]);
    expect(methods(start).filter((m) => m === "chat.postMessage")).toHaveLength(1);
    expect(slack.messages).toHaveLength(before + 1);
    // Whichever came first, the message ends resolved: a firing group older than the resolve never reopens it.
    expect(texts(slack.messages.at(-1)?.blocks)).toContain("RESOLVED");
    expectCorrectCalls(start);
  });

  it("posts a new message linking the old one when Slack will not edit it any more", async () => {
    const groups = incident("gone");
    await handler(event(groups.firing), context);
    const old = slack.messages.at(-1);
    slack.refuseEdits(old?.ts ?? "", "edit_window_closed");
    await handler(event(groups.refire), context);
    const replacement = slack.messages.at(-1);
    expect(replacement?.ts).not.toBe(old?.ts);
    expect(texts(replacement?.blocks)).toContain(
      `${STAND_IN_TEAM}/archives/${CHANNEL}/p${old?.ts.replace(".", "")}`,
    );
    // Later groups update the new message.
    const start = slack.calls.length;
    await handler(event(groups.resolved), context);
    expect(callsSince(start).map((c) => [c.method, c.body.ts])).toEqual([["chat.update", replacement?.ts]]);
    expect(old?.updates).toBe(0);
  });

  it("waits as Slack asks on ratelimited and on HTTP 429 (Retry-After), then posts once", async () => {
    slack.failNext(
      "chat.postMessage",
      { error: "ratelimited", retryAfter: "1" },
      { status: 429, retryAfter: "1" },
    );
    const before = slack.messages.length;
    const start = slack.calls.length;
    await handler(event(incident("ratelimited").firing), context);
    expect(callsSince(start).map((c) => c.answer)).toEqual(["ratelimited", "429", "ok", "ok"]);
    expect(slack.messages).toHaveLength(before + 1);
  });

  it("treats a post whose answer stalls after HTTP 200 as made: aborted by the timeout, never posted twice", async () => {
    const groups = incident("stalled");
    slack.failNext("chat.postMessage", { stallBody: true });
    const before = slack.messages.length;
    const aborted = slack.aborted();
    await handler(event(groups.firing), context);
    expect(slack.messages).toHaveLength(before + 1);
    expect(slack.aborted()).toBe(aborted + 1);
    // Its ts never arrived, so the next group cannot edit it: it posts anew.
    await handler(event(groups.refire), context);
    expect(slack.messages).toHaveLength(before + 2);
  }, 40_000);
});

describe("Slack's refusals: a fix named, counted as failed, the notification kept for the failure queue", () => {
  // Its own copy of the bundle: the logger is made once per copy, and these tests read its INFO lines.
  const logging = samBuildDir();
  let loggingFile: string;
  beforeAll(async () => {
    loggingFile = await samBuild("NotifySlackFunction", logging.path);
  }, 180_000);
  afterAll(() => logging.remove());

  it.each([
    ["invalid_auth", /bot token is not valid/],
    ["not_in_channel", /invite it there/],
    ["channel_not_found", /channel's id \(C0123ABCD\)/],
    ["missing_scope", /needs chat:write\).*add chat:write/],
  ])("%s: fails naming the fix, then posts once it is fixed", async (code, fix) => {
    const handler = await importHandler(loggingFile, appEnv({ POWERTOOLS_LOG_LEVEL: "INFO" }));
    const fault = code === "missing_scope" ? { error: code, needed: "chat:write" } : { error: code };
    slack.failNext("chat.postMessage", fault, fault, fault);
    const before = slack.messages.length;
    const start = slack.calls.length;
    const output = captureOutput();
    let outcome: Awaited<ReturnType<typeof invokeAsync>>;
    try {
      await expect(handler(event(incident(code).firing), context)).rejects.toThrow(fix);
      outcome = await invokeAsync(() => handler(event(incident(code).firing), context));
    } finally {
      output.restore();
    }
    // One call per attempt: these are final, never retried in the loop; Lambda's retry after the fix posts.
    expect(methods(start)).toEqual([...Array(4).fill("chat.postMessage"), "chat.getPermalink"]);
    expect(outcome).toEqual({ parked: false, attempts: 3 });
    expect(slack.messages).toHaveLength(before + 1);
    const logged = output.text();
    expect(logged).toMatch(/"outcome":"failed"/);
    expect(logged).toContain(code);
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(TOKEN.slice(5));
  });

  it("parks the notification when Slack refuses every attempt", async () => {
    const handler = await load({ SLACK_CHANNEL: "C0OUTSIDER1" });
    const start = slack.calls.length;
    const outcome = await invokeAsync(() => handler(event(incident("outsider").firing), context));
    expect(outcome).toEqual({ parked: true, attempts: 3 });
    expect(callsSince(start).map((c) => c.answer)).toEqual([
      "not_in_channel",
      "not_in_channel",
      "not_in_channel",
    ]);
  });
});

describe("the idempotency table down", () => {
  it.each([
    ["every call fails", ["PutItem", "UpdateItem", "GetItem", "DeleteItem"]],
    ["only the incident record's writes fail", ["UpdateItem"]],
  ])(
    "fails closed when %s: nothing posted, parked, then posted once when it is back",
    async (_, operations) => {
      const handler = await load();
      const groups = incident(`down-${operations.length}`);
      for (const operation of operations) proxy.failNext(operation, 1_000);
      const start = slack.calls.length;
      const outcome = await invokeAsync(() => handler(event(groups.firing), context));
      expect(outcome.parked).toBe(true);
      expect(callsSince(start)).toEqual([]);
      for (const operation of operations) proxy.failNext(operation, 0);
      // The failure queue's record redriven, then an SNS redelivery of the same message.
      await handler(event(groups.firing), context);
      await handler(event(groups.firing), context);
      expect(methods(start)).toEqual(["chat.postMessage", "chat.getPermalink"]);
    },
  );
});

describe("app mode's configuration, checked at cold start", () => {
  it.each([
    [{ IDEMPOTENCY_TABLE: "" }, /needs IDEMPOTENCY_TABLE/],
    [{ SLACK_CHANNEL: "#alerts" }, /SLACK_CHANNEL must be a channel id/],
    [{ SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T0/B0/x" }, /set one mode only/],
    [{ SLACK_API_URL: "http://slack.example.com/api/" }, /SLACK_API_URL must be https/],
  ])("refuses %o", async (extra, message) => {
    await expect(load(extra)).rejects.toMatchObject({
      name: "ConfigError",
      message: expect.stringMatching(message),
    });
  });
});
