import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPagerDutyNotifier } from "../../shared/deliver/pagerduty/index.ts";
import { createSlackNotifier } from "../../shared/deliver/slack/index.ts";
import { logger } from "../../shared/logger.ts";
import { makeGroup } from "../support/deliver-fixtures.ts";
import { type ScriptedAnswer, type ScriptedServer, startScriptedServer } from "../support/deliver-servers.ts";

/**
 * Every failing run of both notifiers, with servers that echo the secret back, must keep the webhook URL
 * and the routing key out of every log line and every error (message, stack, cause chain, inspect output).
 */
const SLACK_SECRET_PATH = "/services/T0LEAKME/B0LEAKME/LeakMeLeakMeLeakMe1234";
const ROUTING_KEY = "R0LEAKMEROUTINGKEYLEAKME12345678";
const FORBIDDEN = ["LeakMe", "T0LEAKME", "B0LEAKME", ROUTING_KEY, "LEAKMEROUTING"];

let output: string[] = [];
const servers: ScriptedServer[] = [];

beforeEach(() => {
  output = [];
  const capture = (chunk: unknown) => output.push(String(chunk)) > 0;
  vi.spyOn(process.stdout, "write").mockImplementation(capture);
  vi.spyOn(process.stderr, "write").mockImplementation(capture);
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      output.push(args.map(String).join(" "));
    });
  }
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(script: ScriptedAnswer[]): Promise<string> {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server.url;
}

/** What a handler does with the final error: log it through Powertools (message, stack and cause chain). */
function everythingAbout(error: unknown): string {
  logger.error("delivery failed", error as Error);
  const parts: string[] = [inspect(error, { depth: 10 }), JSON.stringify(error) ?? ""];
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, current.stack ?? "");
  }
  return parts.join("\n");
}

function expectNoSecret(text: string): void {
  for (const secret of FORBIDDEN) expect(text).not.toContain(secret);
}

const fastRetry = { sleep: async () => {}, policy: { maxAttempts: 2 } };
const echo = (text: string): ScriptedAnswer[] => [
  { status: 503, body: `upstream failed for ${text}` },
  { status: 400, body: `invalid_payload ${text}` },
];

describe("secrets never reach logs or errors", () => {
  it.each([
    ["5xx then 4xx echoing the URL", (url: string) => echo(`${url}${SLACK_SECRET_PATH}`)],
    [
      "429 echoing the path",
      () => [{ status: 429, headers: { "retry-after": "1" }, body: SLACK_SECRET_PATH }] as ScriptedAnswer[],
    ],
    [
      "redirect to the secret",
      (url: string) =>
        [{ status: 302, headers: { location: `${url}${SLACK_SECRET_PATH}/x` } }] as ScriptedAnswer[],
    ],
    ["a server that never answers", () => [{ hang: true }] as ScriptedAnswer[]],
  ])("Slack: %s", async (_, script) => {
    const base = await serve([]);
    const url = await serve(script(base));
    const notifier = createSlackNotifier({
      webhookUrl: `${url}${SLACK_SECRET_PATH}`,
      timeoutMs: 100,
      retry: fastRetry,
    });
    const error = await notifier.send(makeGroup()).then(
      () => expect.fail("expected a failure"),
      (e: unknown) => e,
    );
    expectNoSecret(everythingAbout(error));
    expect(output.length).toBeGreaterThan(0);
    expectNoSecret(output.join("\n"));
  });

  it("Slack: a refused connection and a malformed URL", async () => {
    const url = await serve([]);
    await servers.pop()?.close();
    const refused = await createSlackNotifier({ webhookUrl: `${url}${SLACK_SECRET_PATH}`, retry: fastRetry })
      .send(makeGroup())
      .then(
        () => expect.fail("expected a failure"),
        (e: unknown) => e,
      );
    expectNoSecret(everythingAbout(refused));
    let malformed: unknown;
    try {
      createSlackNotifier({ webhookUrl: `hooks slack ${SLACK_SECRET_PATH}` });
    } catch (error) {
      malformed = error;
    }
    expect(malformed).toBeInstanceOf(Error);
    expectNoSecret(everythingAbout(malformed));
    expectNoSecret(output.join("\n"));
  });

  it.each([
    [
      "400 quoting the key",
      [{ status: 400, body: JSON.stringify({ message: `bad key ${ROUTING_KEY}`, errors: [ROUTING_KEY] }) }],
    ],
    ["5xx with a non-JSON body quoting the key", [{ status: 502, body: `<html>${ROUTING_KEY}</html>` }]],
    ["429 quoting the key", [{ status: 429, body: ROUTING_KEY }]],
    ["a server that never answers", [{ hang: true }]],
  ] as Array<[string, ScriptedAnswer[]]>)("PagerDuty: %s", async (_, script) => {
    const url = await serve(script);
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      eventsUrl: `${url}/v2/enqueue`,
      timeoutMs: 100,
      retry: fastRetry,
    });
    const error = await notifier.send(makeGroup()).then(
      () => expect.fail("expected a failure"),
      (e: unknown) => e,
    );
    expectNoSecret(everythingAbout(error));
    expect(output.length).toBeGreaterThan(0);
    expectNoSecret(output.join("\n"));
  });

  it("PagerDuty: a refused connection", async () => {
    const url = await serve([]);
    await servers.pop()?.close();
    const notifier = createPagerDutyNotifier({
      routingKey: ROUTING_KEY,
      eventsUrl: `${url}/v2/enqueue`,
      retry: fastRetry,
    });
    const error = await notifier.send(makeGroup()).then(
      () => expect.fail("expected a failure"),
      (e: unknown) => e,
    );
    expectNoSecret(everythingAbout(error));
    expectNoSecret(output.join("\n"));
  });
});
