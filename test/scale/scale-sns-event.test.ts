import { describe, expect, it } from "vitest";
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
