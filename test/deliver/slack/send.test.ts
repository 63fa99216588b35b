import { afterEach, describe, expect, it } from "vitest";
import { DeliveryError } from "../../../shared/deliver/errors.ts";
import {
  createSlackNotifier,
  renderScaleReport,
  renderSlackMessage,
  type SlackMessage,
} from "../../../shared/deliver/slack/index.ts";
import { ConfigError } from "../../../shared/errors.ts";
import { hostileGroup, makeGroup, resolvedGroup } from "../../support/deliver-fixtures.ts";
import {
  recordingSleep,
  type ScriptedAnswer,
  type ScriptedServer,
  startScriptedServer,
} from "../../support/deliver-servers.ts";
import { expectValidSlackMessage } from "../../support/deliver-slack-checks.ts";
import { scaleReportFixture } from "../../support/scale-fixtures.ts";

const WEBHOOK_PATH = "/services/T0SECRET/B0SECRET/xoxSECRETxoxSECRETxox";
let server: ScriptedServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function slackStandIn(script: ScriptedAnswer[]) {
  server = await startScriptedServer(script);
  return { server, webhookUrl: `${server.url}${WEBHOOK_PATH}` };
}

const error = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e: unknown) => e as DeliveryError,
  );

describe("Slack notifier over HTTP", () => {
  it("posts exactly the rendered message, once per group, as JSON to the webhook", async () => {
    const { server, webhookUrl } = await slackStandIn([{ status: 200, body: "ok" }]);
    const notifier = createSlackNotifier({ webhookUrl });
    const groups = [makeGroup({}, 3), resolvedGroup(), makeGroup({}, 40)];
    for (const group of groups) {
      expect(await notifier.send(group)).toEqual({ sink: "slack", requests: 1 });
    }
    expect(server.requests).toHaveLength(3);
    server.requests.forEach((request, index) => {
      expect(request.method).toBe("POST");
      expect(request.path).toBe(WEBHOOK_PATH);
      expect(request.headers["content-type"]).toBe("application/json");
      expect(request.body).toBe(JSON.stringify(renderSlackMessage(groups[index] ?? makeGroup())));
    });
    expect(notifier.render(groups[0] ?? makeGroup())).toEqual([JSON.parse(server.requests[0]?.body ?? "")]);
  });

  it("carries hostile unicode values intact and escaped over the wire", async () => {
    const { server, webhookUrl } = await slackStandIn([{ status: 200, body: "ok" }]);
    const group = hostileGroup("<!channel> 🚨👩‍👩‍👧‍👦 e\u0301 你好 & <https://evil|docs>".repeat(300), 200);
    await createSlackNotifier({ webhookUrl }).send(group);
    const received = JSON.parse(
      Buffer.from(server.requests[0]?.body ?? "", "utf8").toString("utf8"),
    ) as SlackMessage;
    expect(received).toEqual(renderSlackMessage(group));
    expectValidSlackMessage(received);
  });

  it("waits as long as a 429's Retry-After asks, then posts again", async () => {
    const { server, webhookUrl } = await slackStandIn([
      { status: 429, headers: { "retry-after": "7" }, body: "rate_limited" },
      { status: 200, body: "ok" },
    ]);
    const { sleep, delays } = recordingSleep();
    const receipt = await createSlackNotifier({ webhookUrl, retry: { sleep } }).send(makeGroup());
    expect(receipt).toEqual({ sink: "slack", requests: 2 });
    expect(delays).toEqual([7_000]);
    expect(server.requests[0]?.body).toBe(server.requests[1]?.body);
  });

  it("retries 5xx with backoff, then fails with a retryable DeliveryError", async () => {
    const { server, webhookUrl } = await slackStandIn([{ status: 503, body: "service_unavailable" }]);
    const { sleep, delays } = recordingSleep();
    const notifier = createSlackNotifier({
      webhookUrl,
      retry: { sleep, random: () => 0, policy: { maxAttempts: 3, baseDelayMs: 100 } },
    });
    const failure = await error(notifier.send(makeGroup()));
    expect(server.requests).toHaveLength(3);
    expect(delays).toEqual([50, 100]);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure).toMatchObject({ sink: "slack", retryable: true, status: 503, attempts: 3 });
    expect(failure.message).toContain("HTTP 503");
    expect(failure.message).toContain("service_unavailable");
    expect(failure.message).toContain("/services/***");
  });

  it("does not retry a 4xx and reports Slack's error text", async () => {
    const { server, webhookUrl } = await slackStandIn([{ status: 403, body: "invalid_token" }]);
    const { sleep, delays } = recordingSleep();
    const failure = await error(createSlackNotifier({ webhookUrl, retry: { sleep } }).send(makeGroup()));
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(failure).toMatchObject({ retryable: false, status: 403, attempts: 1 });
    expect(failure.message).toContain("invalid_token");
  });

  it("treats a redirect as final instead of following it", async () => {
    const { server, webhookUrl } = await slackStandIn([
      { status: 302, headers: { location: "http://127.0.0.1:1/elsewhere" } },
    ]);
    const failure = await error(
      createSlackNotifier({ webhookUrl, retry: { sleep: async () => {} } }).send(makeGroup()),
    );
    expect(server.requests).toHaveLength(1);
    expect(failure).toMatchObject({ retryable: false, status: 302 });
  });

  it("times out on a server that never answers, retries, then fails", async () => {
    const { server, webhookUrl } = await slackStandIn([{ hang: true }]);
    const { sleep } = recordingSleep();
    const notifier = createSlackNotifier({
      webhookUrl,
      timeoutMs: 150,
      retry: { sleep, policy: { maxAttempts: 2 } },
    });
    const failure = await error(notifier.send(makeGroup()));
    expect(server.requests).toHaveLength(2);
    expect(failure).toMatchObject({ retryable: true, status: null, attempts: 2 });
    expect(failure.message).toContain("no answer within 150 ms (timeout)");
  });

  it("sends a message Slack refuses with a final 400 once more as plain text", async () => {
    const { server, webhookUrl } = await slackStandIn([
      { status: 400, body: "invalid_blocks" },
      { status: 200, body: "ok" },
    ]);
    const notifier = createSlackNotifier({ webhookUrl, retry: { sleep: recordingSleep().sleep } });
    const group = makeGroup();
    await expect(notifier.send(group)).resolves.toMatchObject({ sink: "slack", requests: 2 });
    expect(server.requests).toHaveLength(2);
    const first = JSON.parse(server.requests[0]!.body) as SlackMessage;
    const plain = JSON.parse(server.requests[1]!.body) as SlackMessage;
    expect(first.blocks.length).toBeGreaterThan(0);
    expect(plain.blocks ?? []).toEqual([]);
    expect(plain.text).toContain(first.text);
    expect(plain.text).toContain("Slack refused the formatted message (invalid_blocks)");
    // Every node row of the formatted message is still in the plain one.
    for (const node of group.alerts.map((a) => a.node?.name).filter(Boolean))
      expect(plain.text).toContain(node);
  });

  it("fails when the plain-text message is refused too, after exactly one more request", async () => {
    const { server, webhookUrl } = await slackStandIn([{ status: 400, body: "invalid_payload" }]);
    const notifier = createSlackNotifier({ webhookUrl, retry: { sleep: recordingSleep().sleep } });
    const failure = await error(notifier.send(makeGroup()));
    expect(server.requests).toHaveLength(2);
    expect(failure).toMatchObject({ retryable: false, status: 400 });
  });

  it("takes a 2xx whose body then stalls as delivered: one post, no retry", async () => {
    const { server, webhookUrl } = await slackStandIn([{ stallBodyAfter: 200 }]);
    const { sleep } = recordingSleep();
    const notifier = createSlackNotifier({ webhookUrl, timeoutMs: 150, retry: { sleep } });
    await expect(notifier.send(makeGroup())).resolves.toMatchObject({ sink: "slack", requests: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it("reports a refused connection as a retryable network error", async () => {
    const { server, webhookUrl } = await slackStandIn([{ status: 200 }]);
    await server.close();
    const notifier = createSlackNotifier({
      webhookUrl,
      retry: { sleep: async () => {}, policy: { maxAttempts: 2 } },
    });
    const failure = await error(notifier.send(makeGroup()));
    expect(failure).toMatchObject({ retryable: true, status: null, attempts: 2 });
    expect(failure.message).toMatch(/network error ECONNREFUSED/);
  });

  it("posts a rendered scale report through the same path", async () => {
    const { server, webhookUrl } = await slackStandIn([{ status: 200, body: "ok" }]);
    const report = renderScaleReport(scaleReportFixture());
    await createSlackNotifier({ webhookUrl }).sendMessage(report);
    expect(JSON.parse(server.requests[0]?.body ?? "")).toEqual(report);
  });

  it("refuses a webhook URL that is not http(s) without quoting it", () => {
    expect(() => createSlackNotifier({ webhookUrl: "not a url/services/T0SECRET" })).toThrow(ConfigError);
    expect(() => createSlackNotifier({ webhookUrl: "not a url/services/T0SECRET" })).not.toThrow(/T0SECRET/);
    expect(() => createSlackNotifier({ webhookUrl: "ftp://hooks.slack.com/services/T0SECRET" })).toThrow(
      /must be http/,
    );
  });
});
