import { afterEach, describe, expect, it, vi } from "vitest";
import type { DeliveryError } from "../../../shared/deliver/errors.ts";
import { createPagerDutyNotifier, renderPagerDutyEvent } from "../../../shared/deliver/pagerduty/index.ts";
import { ConfigError } from "../../../shared/errors.ts";
import { makeGroup, rawGroup, resolvedGroup } from "../../support/deliver-fixtures.ts";
import {
  recordingSleep,
  type ScriptedAnswer,
  type ScriptedServer,
  startScriptedServer,
} from "../../support/deliver-servers.ts";

const ROUTING_KEY = "R0SECRETROUTINGKEY0123456789abcd";
const ACCEPTED: ScriptedAnswer = {
  status: 202,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ status: "success", message: "Event processed", dedup_key: "x" }),
};
let server: ScriptedServer | undefined;

afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
  server = undefined;
});

async function pagerDutyStandIn(script: ScriptedAnswer[]) {
  server = await startScriptedServer(script);
  return { server, eventsUrl: `${server.url}/v2/enqueue` };
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected a failure"),
    (e: unknown) => e as DeliveryError,
  );

describe("PagerDuty notifier over HTTP", () => {
  it("posts one Events API v2 event per group with the routing key added", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([ACCEPTED]);
    const notifier = createPagerDutyNotifier({ routingKey: ROUTING_KEY, eventsUrl });
    const group = makeGroup({}, 4);
    expect(await notifier.send(group)).toEqual({ sink: "pagerduty", requests: 1 });
    expect(server.requests).toHaveLength(1);
    const request = server.requests[0];
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/v2/enqueue");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toBe(JSON.stringify({ routing_key: ROUTING_KEY, ...renderPagerDutyEvent(group) }));
    expect(JSON.stringify(notifier.render(group))).not.toContain(ROUTING_KEY);
  });

  it("re-triggers the same alert as nodes join, then resolves it", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([ACCEPTED]);
    const notifier = createPagerDutyNotifier({ routingKey: ROUTING_KEY, eventsUrl });
    await notifier.send(makeGroup({}, 2));
    await notifier.send(makeGroup({}, 6));
    await notifier.send(resolvedGroup());
    const bodies = server.requests.map((request) => JSON.parse(request.body));
    expect(bodies.map((body) => body.event_action)).toEqual(["trigger", "trigger", "resolve"]);
    expect(new Set(bodies.map((body) => body.dedup_key)).size).toBe(1);
    expect(bodies.map((body) => body.payload?.custom_details?.node_count)).toEqual([2, 6, undefined]);
    expect(bodies[2]).toEqual({
      routing_key: ROUTING_KEY,
      dedup_key: bodies[0].dedup_key,
      event_action: "resolve",
    });
  });

  it("triggers for a raw fallback with its text in custom_details", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([ACCEPTED]);
    await createPagerDutyNotifier({ routingKey: ROUTING_KEY, eventsUrl }).send(rawGroup({ text: "garbled" }));
    const body = JSON.parse(server.requests[0]?.body ?? "");
    expect(body.event_action).toBe("trigger");
    expect(body.payload.custom_details.text).toBe("garbled");
  });

  it("treats 400 as final and logs PagerDuty's message and errors", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([
      {
        status: 400,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          status: "invalid event",
          message: "Event object is invalid",
          errors: ["'payload.summary' is missing"],
        }),
      },
    ]);
    const lines: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const { sleep, delays } = recordingSleep();
    const failure = await failureOf(
      createPagerDutyNotifier({ routingKey: ROUTING_KEY, eventsUrl, retry: { sleep } }).send(makeGroup()),
    );
    vi.restoreAllMocks();
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(failure).toMatchObject({ sink: "pagerduty", retryable: false, status: 400, attempts: 1 });
    expect(failure.message).toContain("Event object is invalid - errors: 'payload.summary' is missing");
    const logged = lines.map((line) => JSON.parse(line));
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: "PagerDuty rejected the event",
        status: 400,
        pagerDuty: "Event object is invalid - errors: 'payload.summary' is missing",
      }),
    );
  });

  it("retries 429 with backoff and succeeds", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([{ status: 429, body: "" }, ACCEPTED]);
    const { sleep, delays } = recordingSleep();
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      eventsUrl,
      retry: { sleep, random: () => 1, policy: { baseDelayMs: 2_000 } },
    });
    expect(await notifier.send(makeGroup())).toEqual({ sink: "pagerduty", requests: 2 });
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([2_000]);
  });

  it("retries 5xx, then fails so Lambda's retry and on-failure destination take over", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([{ status: 500 }, { status: 502 }, { status: 503 }]);
    const { sleep, delays } = recordingSleep();
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      eventsUrl,
      retry: { sleep, random: () => 0, policy: { maxAttempts: 3, baseDelayMs: 1_000 } },
    });
    const failure = await failureOf(notifier.send(makeGroup()));
    expect(server.requests).toHaveLength(3);
    expect(delays).toEqual([500, 1_000]);
    expect(failure).toMatchObject({ retryable: true, status: 503, attempts: 3 });
    expect(failure.message).toMatch(/HTTP 503: server error.*gave up after 3 attempts/);
  });

  it("times out on a server that never answers", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([{ hang: true }]);
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      eventsUrl,
      timeoutMs: 150,
      retry: { sleep: async () => {}, policy: { maxAttempts: 2 } },
    });
    const failure = await failureOf(notifier.send(makeGroup()));
    expect(server.requests).toHaveLength(2);
    expect(failure).toMatchObject({ retryable: true, status: null, attempts: 2 });
    expect(failure.message).toContain("no answer within 150 ms (timeout)");
  });

  it("takes a 202 whose body then stalls as delivered: one event, no retry", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([{ stallBodyAfter: 202 }]);
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      eventsUrl,
      timeoutMs: 150,
      retry: { sleep: async () => {} },
    });
    await expect(notifier.send(makeGroup())).resolves.toMatchObject({ sink: "pagerduty", requests: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it("does not follow redirects", async () => {
    const { server, eventsUrl } = await pagerDutyStandIn([
      { status: 307, headers: { location: "http://127.0.0.1:1/x" } },
    ]);
    const failure = await failureOf(
      createPagerDutyNotifier({ routingKey: ROUTING_KEY, eventsUrl }).send(makeGroup()),
    );
    expect(server.requests).toHaveLength(1);
    expect(failure).toMatchObject({ retryable: false, status: 307 });
  });

  it("refuses bad configuration at construction", () => {
    expect(() => createPagerDutyNotifier({ routingKey: " " })).toThrow(ConfigError);
    expect(() => createPagerDutyNotifier({ routingKey: ROUTING_KEY, eventsUrl: "nope" })).toThrow(
      /PAGERDUTY_EVENTS_URL/,
    );
    expect(() =>
      createPagerDutyNotifier({ routingKey: ROUTING_KEY, eventsUrl: "https://u:p@example.com/" }),
    ).toThrow(/credentials/);
  });
});
