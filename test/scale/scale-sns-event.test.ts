import { describe, expect, it, vi } from "vitest";
import { MetricName } from "../../shared/metrics/names.ts";
import type { ScaleReport } from "../../shared/model/index.ts";
import { readScaleConfig, scaleSnsEvent } from "../../shared/scale/index.ts";
import { enrichedGroup } from "../support/routing-groups.ts";
import { internalTopicEvent } from "../support/routing-lambda.ts";
import { scaleReportFixture } from "../support/scale-fixtures.ts";

function recorder() {
  const lines: { level: string; message: string; correlationId: string | null }[] = [];
  let correlationId: string | null = null;
  const at = (level: string) => (message: string) => lines.push({ level, message, correlationId });
  const logger = {
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    setCorrelationId: (id: unknown) => {
      correlationId = String(id);
    },
  } as unknown as Parameters<typeof scaleSnsEvent>[1]["logger"];
  return { logger, lines };
}

describe("scaleSnsEvent", () => {
  it("with the mode off connects to nothing, publishes nothing, and says so once per container", async () => {
    const { logger, lines } = recorder();
    const published: ScaleReport[] = [];
    const deps = {
      config: readScaleConfig({}),
      connect: () => {
        throw new Error("must not connect");
      },
      publish: async (r: ScaleReport) => published.push(r),
      logger,
    };
    await scaleSnsEvent(internalTopicEvent([enrichedGroup(), enrichedGroup()]), deps);
    await scaleSnsEvent(internalTopicEvent([enrichedGroup()]), deps);
    expect(published).toEqual([]);
    expect(lines.filter((l) => l.message.includes("COREDNS_SCALE_MODE is off"))).toHaveLength(1);
  });

  it("publishes a refusal naming why when the group is for a cluster this deployment does not serve", async () => {
    const { logger, lines } = recorder();
    const published: ScaleReport[] = [];
    const group = enrichedGroup({ cluster: "other", routes: ["slack", "pagerduty", "coredns-scale"] });
    await scaleSnsEvent(internalTopicEvent([group]), {
      config: readScaleConfig({ COREDNS_SCALE_MODE: "on" }),
      connect: () => 'the alert is for cluster "other" but this deployment enriches from "prod-eu"',
      publish: async (r: ScaleReport) => published.push(r),
      logger,
    });
    expect(published).toEqual([
      expect.objectContaining({
        action: "refused",
        guardrail: "cluster-unreadable",
        reason: 'the alert is for cluster "other" but this deployment enriches from "prod-eu"',
        messageId: group.source.messageId,
        routes: ["slack", "pagerduty"],
      }),
    ]);
    expect(lines.find((l) => l.message === "scale decision")?.correlationId).toBe(group.source.messageId);
  });

  it("counts each decision in the ScaleDecisions metric, by action (EMF on stdout)", async () => {
    const { logger } = recorder();
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const group = enrichedGroup({ routes: ["slack", "coredns-scale"] });
      await scaleSnsEvent(
        internalTopicEvent([group, { ...group, source: { ...group.source, messageId: "m-2" } }]),
        {
          config: readScaleConfig({ COREDNS_SCALE_MODE: "dry-run" }),
          connect: () => "no cluster here",
          publish: async () => undefined,
          logger,
        },
      );
    } finally {
      spy.mockRestore();
    }
    const documents = written
      .flatMap((chunk) => chunk.split("\n"))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const sum = (filter: (d: Record<string, unknown>) => boolean) =>
      documents
        .filter(filter)
        .flatMap((d) => [d[MetricName.scaleDecisions] ?? []].flat() as number[])
        .reduce((a, b) => a + b, 0);
    expect(sum((d) => d.action === undefined)).toBe(2);
    expect(sum((d) => d.action === "refused")).toBe(2);
  });

  it("fails the invocation on a scale report (a subscription without its filter), so nothing loops", async () => {
    const { logger } = recorder();
    const event = { Records: [{ Sns: { MessageId: "r1", Message: JSON.stringify(scaleReportFixture()) } }] };
    await expect(
      scaleSnsEvent(event, {
        config: readScaleConfig({ COREDNS_SCALE_MODE: "on" }),
        connect: () => "unused",
        publish: async () => undefined,
        logger,
      }),
    ).rejects.toThrow(/is a scale report, not an alert group/);
  });
});
