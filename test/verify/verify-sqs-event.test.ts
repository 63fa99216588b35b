import { describe, expect, it } from "vitest";
import type { EnrichedAlertGroup, VerificationReport } from "../../shared/model/index.ts";
import { AmpQueryError } from "../../shared/verify/amp-query.ts";
import type { RateSeries } from "../../shared/verify/verdict.ts";
import { type VerifyEventDeps, verifySqsEvent } from "../../shared/verify/verify-sqs-event.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { verifyQueueEvent } from "../support/routing-lambda.ts";
import { scaleReportFixture, verificationFixture } from "../support/scale-fixtures.ts";

/** verifySqsEvent with a scripted AMP and publisher: what each record becomes, receive by receive. */
const NOW = Date.parse("2026-12-03T03:30:00Z") / 1000;

function group(routes: EnrichedAlertGroup["routes"] = ["slack"]): EnrichedAlertGroup {
  const base = enrichedGroup({ cluster: "prod-eu", routes });
  const alert = base.alerts[0] as EnrichedAlertGroup["alerts"][number];
  return {
    ...base,
    alerts: [{ ...alert, startsAt: "2026-12-03T03:02:00Z", labels: { ...alert.labels, node: "n-1" } }],
  };
}

function harness(options: { query?: VerifyEventDeps["query"]; publish?: VerifyEventDeps["publish"] } = {}) {
  const published: VerificationReport[] = [];
  const warnings: Record<string, unknown>[] = [];
  const asked: string[] = [];
  const stoppedSeries: RateSeries[] = [{ node: "n-1", values: [[NOW - 1200, 4]] }];
  const deps: VerifyEventDeps = {
    config: { followsScaleReports: true, maxReceives: 5, clusterLabel: "cluster" },
    query:
      options.query ??
      (async (promql) => {
        asked.push(promql);
        return stoppedSeries;
      }),
    publish:
      options.publish ??
      (async (report) => {
        published.push(report);
      }),
    now: () => NOW,
    logger: {
      info: () => {},
      warn: (_message: string, extra?: Record<string, unknown>) => {
        warnings.push(extra ?? {});
      },
      error: () => {},
      setCorrelationId: () => {},
    } as unknown as VerifyEventDeps["logger"],
  };
  return { deps, published, warnings, asked };
}

const failingAmp = async (): Promise<RateSeries[]> => {
  throw new AmpQueryError(
    "the PromQL query to https://aps-workspaces.eu-west-1.amazonaws.com answered 403",
    '{"message":"User: arn:aws:sts::111122223333:assumed-role/verify/x is not authorized to perform: aps:QueryMetrics"}',
  );
};

describe("verifySqsEvent", () => {
  it("hands a record back to SQS while AMP fails and receives remain, publishing nothing", async () => {
    const h = harness({ query: failingAmp });
    for (const receiveCount of [1, 2, 4]) {
      const event = verifyQueueEvent([{ message: group(), receiveCount }]);
      expect(await verifySqsEvent(event, h.deps)).toEqual({
        batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }],
      });
    }
    expect(h.published).toEqual([]);
  });

  it("says 'not verified' on the last receive, with AMP's words in the log and not in the message", async () => {
    const h = harness({ query: failingAmp });
    const result = await verifySqsEvent(verifyQueueEvent([{ message: group(), receiveCount: 5 }]), h.deps);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(h.published).toHaveLength(1);
    const [report] = h.published;
    expect(report).toMatchObject({
      checked: false,
      stopped: false,
      nodes: [],
      messageId: group().source.messageId,
    });
    expect(report?.summary).toBe(
      "could not ask AMP whether the drops stopped: the PromQL query to https://aps-workspaces.eu-west-1.amazonaws.com answered 403",
    );
    expect(JSON.stringify(report)).not.toContain("111122223333");
    expect(h.warnings.at(-1)?.detail).toContain("aps:QueryMetrics");
  });

  it("counts a record without ApproximateReceiveCount as its first receive", async () => {
    const h = harness({ query: failingAmp });
    const event = verifyQueueEvent([{ message: group() }]);
    const record = event.Records[0] as (typeof event.Records)[number];
    const { ApproximateReceiveCount: _, ...attributes } = record.attributes;
    const result = await verifySqsEvent(
      { Records: [{ ...record, attributes: attributes as typeof record.attributes }] },
      h.deps,
    );
    expect(result.batchItemFailures).toHaveLength(1);
  });

  it("fails the record when the verification cannot be published, even on the last receive", async () => {
    const h = harness({
      publish: async () => {
        throw new Error("SNS answered 500");
      },
    });
    const event = verifyQueueEvent([{ message: group(), receiveCount: 5 }]);
    expect((await verifySqsEvent(event, h.deps)).batchItemFailures).toHaveLength(1);
  });

  it("refuses a verification that came back, and says 'not verified' for a group or old report naming no node", async () => {
    const h = harness();
    const noNodes = group();
    noNodes.alerts = noNodes.alerts.map((a) => ({ ...a, labels: { ...a.labels, node: "" }, node: null }));
    const { nodes: _, firstFiringAt: __, ...oldReport } = scaleReportFixture();
    const result = await verifySqsEvent(
      verifyQueueEvent([
        { message: verificationFixture() },
        { message: noNodes },
        { message: { ...oldReport, cluster: "prod-eu" } },
      ]),
      h.deps,
    );
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([
      "0d7f5a8e-0000-4000-8000-000000000000",
    ]);
    // Nothing asked of AMP, and each of the two says so rather than staying silent.
    expect(h.asked).toEqual([]);
    expect(h.published.map((r) => [r.checked, r.summary])).toEqual([
      [false, "could not ask AMP whether the drops stopped: the alerts name no node to ask about"],
      [false, "could not ask AMP whether the drops stopped: the alerts name no node to ask about"],
    ]);
    expect(h.published[0]?.next).toContain("node label");
  });

  it("leaves a group routed to the scaler to its report, and follows up the report with what was done", async () => {
    const h = harness();
    await verifySqsEvent(
      verifyQueueEvent([
        { message: group(["slack", "coredns-scale"]) },
        { message: scaleReportFixture({ nodes: ["n-1"], routes: ["slack", "pagerduty"] }) },
      ]),
      h.deps,
    );
    expect(h.published).toHaveLength(1);
    expect(h.published[0]).toMatchObject({
      checked: true,
      stopped: true,
      after: "after scaling CoreDNS from 2 to 3",
      routes: ["slack", "pagerduty"],
      messageId: scaleReportFixture().messageId,
    });
    expect(h.published[0]?.summary).toBe(
      "drops stopped at 03:10 UTC on every node, after scaling CoreDNS from 2 to 3",
    );
    expect(h.asked[0]).toContain('cluster="prod-eu",node=~"n-1"');
  });
});
