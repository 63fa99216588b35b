import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeliveryError } from "../../shared/deliver/errors.ts";
import type { DeliveryReceipt, Notifier } from "../../shared/deliver/notifier.ts";
import { InputError } from "../../shared/errors.ts";
import { createDeliveryGuard, type DeliveryGuard } from "../../shared/idempotency/index.ts";
import type { EnrichedAlertGroup, ScaleReport, VerificationReport } from "../../shared/model/index.ts";
import {
  NotifyBatchError,
  type NotifyLogger,
  notifierFromSecret,
  notifySnsEvent,
} from "../../shared/notify/index.ts";
import { type LocalDynamo, startDynalite } from "../support/dynalite.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent } from "../support/routing-lambda.ts";
import { scaleReportFixture } from "../support/scale-fixtures.ts";

/** A notifier that records what it sends and fails for the groups it is told to. */
function fakeNotifier(failFor: Set<string> = new Set()) {
  const sent: EnrichedAlertGroup[] = [];
  const reports: ScaleReport[] = [];
  const verifications: VerificationReport[] = [];
  const notifier: Notifier = {
    sink: "slack",
    render: (group) => [group.alertname],
    async send(group): Promise<DeliveryReceipt> {
      if (failFor.has(group.source.messageId)) {
        throw new DeliveryError("Slack webhook https://hooks.slack.com/services/*** answered 503", {
          sink: "slack",
          retryable: true,
          status: 503,
        });
      }
      sent.push(group);
      return { sink: "slack", requests: 1 };
    },
    async sendScaleReport(report): Promise<DeliveryReceipt> {
      reports.push(report);
      return { sink: "slack", requests: 1 };
    },
    async sendVerification(report): Promise<DeliveryReceipt> {
      verifications.push(report);
      return { sink: "slack", requests: 1 };
    },
  };
  return { notifier, sent, reports, verifications };
}

function recordingLogger() {
  const lines: {
    level: string;
    message: string;
    extra: Record<string, unknown>;
    correlationId: string | null;
  }[] = [];
  let correlationId: string | null = null;
  const at =
    (level: string) =>
    (message: string, extra: Record<string, unknown> = {}) => {
      lines.push({ level, message, extra, correlationId });
    };
  const logger = {
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    setCorrelationId: (value: unknown) => {
      correlationId = String(value);
    },
  } as unknown as NotifyLogger;
  return { logger, lines };
}

let dynamo: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

async function tableGuard(): Promise<DeliveryGuard> {
  tables++;
  await dynamo.createIdempotencyTable(`notify-${tables}`);
  return createDeliveryGuard(
    { tableName: `notify-${tables}`, expiresAfterSeconds: 3600 },
    { client: dynamo.client },
  );
}

const offGuard = createDeliveryGuard({ tableName: null, expiresAfterSeconds: 3600 });

describe("notifySnsEvent", () => {
  it("sends each routed group once and logs under the AMP message id", async () => {
    const { notifier, sent } = fakeNotifier();
    const { logger, lines } = recordingLogger();
    const group = enrichedGroup();
    const outcomes = await notifySnsEvent(internalTopicEvent([group]), {
      sink: "slack",
      getNotifier: async () => notifier,
      guard: offGuard,
      logger,
    });
    expect(outcomes).toEqual([{ messageId: group.source.messageId, status: "delivered", requests: 1 }]);
    expect(sent).toEqual([group]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: "info",
        message: "notification delivered",
        correlationId: group.source.messageId,
        extra: expect.objectContaining({
          sink: "slack",
          internalMessageId: `internal-0-${group.source.messageId}`,
        }),
      }),
    ]);
  });

  it("skips a group whose routes do not name the sink", async () => {
    const { notifier, sent } = fakeNotifier();
    const { logger, lines } = recordingLogger();
    const outcomes = await notifySnsEvent(internalTopicEvent([enrichedGroup({ routes: ["pagerduty"] })]), {
      sink: "slack",
      getNotifier: async () => notifier,
      guard: offGuard,
      logger,
    });
    expect(outcomes[0]?.status).toBe("not-routed");
    expect(sent).toHaveLength(0);
    expect(lines[0]?.level).toBe("warn");
  });

  it("sends a redelivered message once, and a new message again", async () => {
    const guard = await tableGuard();
    const { notifier, sent } = fakeNotifier();
    const { logger } = recordingLogger();
    const deps = { sink: "slack" as const, getNotifier: async () => notifier, guard, logger };
    const first = enrichedGroup();
    // The same AMP message published twice by ingest (its own retry): different internal ids, same source id.
    await notifySnsEvent(internalTopicEvent([first], ["internal-a"]), deps);
    const again = await notifySnsEvent(internalTopicEvent([first], ["internal-b"]), deps);
    expect(again[0]?.status).toBe("duplicate");
    const resolved = enrichedGroup({
      status: "resolved",
      source: { ...first.source, messageId: "resolved-msg" },
    });
    await notifySnsEvent(internalTopicEvent([resolved]), deps);
    expect(sent.map((group) => group.status)).toEqual(["firing", "resolved"]);
  });

  it("keeps going after a failed record, fails the invocation, and the retry sends only what is missing", async () => {
    const guard = await tableGuard();
    const failing = new Set(["msg-b"]);
    const { notifier, sent } = fakeNotifier(failing);
    const { logger, lines } = recordingLogger();
    const deps = { sink: "slack" as const, getNotifier: async () => notifier, guard, logger };
    const groups = ["msg-a", "msg-b", "msg-c"].map((messageId) =>
      enrichedGroup({ source: { ...enrichedGroup().source, messageId } }),
    );
    const event = internalTopicEvent(groups);
    await expect(notifySnsEvent(event, deps)).rejects.toBeInstanceOf(DeliveryError);
    expect(sent.map((group) => group.source.messageId)).toEqual(["msg-a", "msg-c"]);
    expect(lines.find((line) => line.level === "error")).toMatchObject({
      correlationId: "msg-b",
      extra: { failure: { name: "DeliveryError", message: expect.stringContaining("answered 503") } },
    });
    failing.clear();
    const retry = await notifySnsEvent(event, deps);
    expect(retry.map((outcome) => outcome.status)).toEqual(["duplicate", "delivered", "duplicate"]);
    expect(sent.map((group) => group.source.messageId)).toEqual(["msg-a", "msg-c", "msg-b"]);
  });

  it("reports several failures at once", async () => {
    const { notifier } = fakeNotifier(new Set(["x", "y"]));
    const { logger } = recordingLogger();
    const groups = ["x", "y"].map((messageId) =>
      enrichedGroup({ source: { ...enrichedGroup().source, messageId } }),
    );
    const error = await notifySnsEvent(internalTopicEvent(groups), {
      sink: "slack",
      getNotifier: async () => notifier,
      guard: offGuard,
      logger,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotifyBatchError);
    expect((error as Error).message).toBe("2 of 2 records failed to notify slack");
  });

  it.each([
    { event: { detail: {} }, problem: "the event is not an SNS event: it has no Records array" },
    {
      event: { Records: [{ Sns: { MessageId: "m1" } }] },
      problem: "SNS record at index 0 has no Sns.MessageId",
    },
    {
      event: { Records: [{ Sns: { MessageId: "m1", Message: "Alerts Firing:" } }] },
      problem: "SNS record at index 0 (MessageId m1) is not JSON",
    },
    {
      event: { Records: [{ Sns: { MessageId: "m1", Message: '{"schemaVersion":2}' } }] },
      problem:
        "SNS record at index 0 (MessageId m1) is not an EnrichedAlertGroup or ScaleReport with schemaVersion 1",
    },
    {
      event: {
        Records: [
          {
            Sns: { MessageId: "m1", Message: '{"schemaVersion":1,"kind":"scale-report","routes":["slack"]}' },
          },
        ],
      },
      problem: "is a scale report without messageId, routes or action",
    },
    {
      event: { Records: [{ Sns: { MessageId: "m1", Message: '{"schemaVersion":1,"alerts":[]}' } }] },
      problem: "lacks alerts, routes or source.messageId",
    },
  ])("rejects $problem", async ({ event, problem }) => {
    const { notifier, sent } = fakeNotifier();
    const { logger } = recordingLogger();
    const deps = { sink: "slack" as const, getNotifier: async () => notifier, guard: offGuard, logger };
    const error = await notifySnsEvent(event, deps).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(problem);
    expect(sent).toHaveLength(0);
  });
  it("logs an unreadable record under its internal message id", async () => {
    const { notifier } = fakeNotifier();
    const { logger, lines } = recordingLogger();
    const event = { Records: [{ Sns: { MessageId: "internal-9", Message: "not json" } }] };
    await expect(
      notifySnsEvent(event, {
        sink: "pagerduty",
        getNotifier: async () => notifier,
        guard: offGuard,
        logger,
      }),
    ).rejects.toBeInstanceOf(InputError);
    expect(lines).toEqual([
      expect.objectContaining({
        level: "error",
        correlationId: "internal-9",
        extra: { sink: "pagerduty", failure: expect.objectContaining({ name: "InputError" }) },
      }),
    ]);
  });
});

describe("notifierFromSecret", () => {
  it("builds the notifier again only when the secret changes", async () => {
    let value = "https://hooks.slack.com/services/T0/B0/one";
    const built: string[] = [];
    const get = notifierFromSecret(
      { source: { store: "plain", variable: "SLACK_WEBHOOK_URL", value }, get: async () => value },
      (secret) => {
        built.push(secret);
        return fakeNotifier().notifier;
      },
    );
    const first = await get();
    expect(await get()).toBe(first);
    value = "https://hooks.slack.com/services/T0/B0/two";
    expect(await get()).not.toBe(first);
    expect(built).toHaveLength(2);
  });
});

describe("notifySnsEvent with scale reports", () => {
  const reportEvent = (report: ScaleReport, internalId: string) => ({
    Records: [{ Sns: { MessageId: internalId, Message: JSON.stringify(report) } }],
  });

  it("sends a scale report once per sink, keyed apart from the group of the same AMP message", async () => {
    const { notifier, sent, reports } = fakeNotifier();
    const { logger, lines } = recordingLogger();
    const guard = await tableGuard();
    const deps = { sink: "slack" as const, getNotifier: async () => notifier, guard, logger };
    const group = enrichedGroup();
    const report = scaleReportFixture({ messageId: group.source.messageId });
    await notifySnsEvent(internalTopicEvent([group]), deps);
    const first = await notifySnsEvent(reportEvent(report, "internal-report-1"), deps);
    const again = await notifySnsEvent(reportEvent(report, "internal-report-2"), deps);
    expect(first).toEqual([
      { messageId: `scale-report:${group.source.messageId}`, status: "delivered", requests: 1 },
    ]);
    expect(again[0]?.status).toBe("duplicate");
    expect(sent).toEqual([group]);
    expect(reports).toEqual([report]);
    expect(lines.filter((l) => l.message === "scale-report delivered")).toEqual([
      expect.objectContaining({ correlationId: group.source.messageId }),
    ]);
  });

  it("leaves a scale report that is not routed to the sink", async () => {
    const { notifier, reports } = fakeNotifier();
    const { logger } = recordingLogger();
    const deps = { sink: "pagerduty" as const, getNotifier: async () => notifier, guard: offGuard, logger };
    const outcomes = await notifySnsEvent(reportEvent(scaleReportFixture(), "internal-report-3"), deps);
    expect(outcomes[0]?.status).toBe("not-routed");
    expect(reports).toEqual([]);
  });
});
