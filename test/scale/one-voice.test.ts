import { afterEach, describe, expect, it } from "vitest";
import { clusterEnricher } from "../../shared/ingest/cluster-enricher.ts";
import { readScaleConfig, scaleForGroup, scaleUpPolicy } from "../../shared/scale/index.ts";
import { ScenarioPresets } from "../../sim/scenarios.ts";
import { alertGroup } from "../support/enrich-fixtures.ts";
import { type ScaleSim, startScaleSim } from "../support/scale-sim.ts";

/**
 * One voice per message: the replica count a scale-up fix proposes (the ingest's diagnosis, with the scaler's
 * step and maximum from the same environment) is the count the scaler then decides, on the same cluster.
 */
const running: ScaleSim[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

describe("the fix's replica number and the scaler's decision", () => {
  it.each([
    ["default step +1", {}],
    ["COREDNS_SCALE_STEP=x2", { COREDNS_SCALE_STEP: "x2" }],
    [
      "COREDNS_SCALE_STEP=+3 capped by COREDNS_MAX_REPLICAS=4",
      { COREDNS_SCALE_STEP: "+3", COREDNS_MAX_REPLICAS: "4" },
    ],
  ])("agree with %s", async (_, env: Record<string, string>) => {
    const sim = await startScaleSim({ ...ScenarioPresets.colocatedOnSpot, nodeCount: 12 });
    running.push(sim);
    const config = readScaleConfig({ COREDNS_SCALE_MODE: "dry-run", ...env });
    const enrich = clusterEnricher(() => ({ name: sim.cluster.name, kube: sim.kube }), {
      scaleUp: scaleUpPolicy(config),
    });
    const node = sim.cluster.facts.corednsNodes[0] as string;
    const enriched = await enrich(alertGroup([{ node }]));
    const finding = enriched.diagnosis.find((d) => d.code === "COREDNS_ON_THROTTLED_NODE");
    const proposed = Number(/--replicas=(\d+)/.exec(finding?.commands?.[0] ?? "")?.[1]);
    const group = sim.group(enriched.diagnosis.map((d) => d.code));
    const report = await scaleForGroup(group, sim.deps({ COREDNS_SCALE_MODE: "dry-run", ...env }));
    expect(report.action).toBe("would-scale");
    expect(report.to).toBe(proposed);
  });
});
