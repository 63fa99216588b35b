import { describe, expect, it } from "vitest";
import type { ReplayReport } from "../../cli/report.ts";
import { generateCluster } from "../../sim/cluster-generator.ts";
import { FLEET_SCENARIO, SAMPLE_SCENARIO } from "../../sim/scenarios.ts";
import { CLI_TIMEOUT_MS, runCli } from "../support/cli.ts";

/**
 * What `npm start` prints, through the built CLI: a newcomer's first look. Every node it names comes with its
 * instance type, zone and capacity type, and the replica owner reads the same in the CoreDNS line and the
 * scaler's.
 */
// The demo's two clusters: the fleet sample's message is split and each share read from its own.
const nodes = [generateCluster(SAMPLE_SCENARIO), generateCluster(FLEET_SCENARIO)].flatMap((c) => c.nodes);
const truth = new Map(
  nodes.map((node) => {
    const labels = node.metadata.labels ?? {};
    const capacity = labels["eks.amazonaws.com/capacityType"] ?? labels["karpenter.sh/capacity-type"];
    return [
      node.metadata.name,
      {
        instanceType: labels["node.kubernetes.io/instance-type"],
        zone: labels["topology.kubernetes.io/zone"],
        capacityType: capacity === "spot" ? "spot" : "on-demand",
      },
    ];
  }),
);

/** `   - firing   10.10.0.4:9417  ip-10-10-0-4.ec2.internal m5.xlarge us-east-1a on-demand` */
const NODE_LINE = /^ {3}- (firing|resolved) +\S+ +(ip-\S+\.internal) (\S+) (\S+) (\S+)/;

describe("npm start (the demo) through the built CLI", () => {
  it(
    "names every identified node with its instance type, zone and capacity, as the cluster holds them",
    async () => {
      const { code, stdout } = await runCli(["demo"]);
      expect(code).toBe(0);
      const sections = stdout.split(/^## /m).slice(1);
      const first = sections[0] ?? "";
      expect(first.startsWith("samples/aws-json-template.json")).toBe(true);
      const nodeLines = stdout.split("\n").filter((line) => NODE_LINE.test(line));
      expect(first.split("\n").filter((line) => NODE_LINE.test(line))).toHaveLength(3);
      expect(nodeLines.length).toBeGreaterThan(3);
      for (const line of nodeLines) {
        const [, , name, instanceType, zone, capacityType] = NODE_LINE.exec(line) ?? [];
        expect(line).not.toMatch(/ \? /);
        expect({ instanceType, zone, capacityType }, line).toEqual(truth.get(name ?? ""));
      }
    },
    CLI_TIMEOUT_MS + 10_000,
  );

  it(
    "gives one replica owner per group: the CoreDNS line's is the scaler's",
    async () => {
      const { code, stdout } = await runCli(["demo", "--json"]);
      expect(code).toBe(0);
      const { reports } = JSON.parse(stdout) as { reports: ReplayReport[] };
      const scaled = reports.filter((report) => report.scale !== null);
      expect(scaled.length).toBeGreaterThan(0);
      for (const report of scaled) {
        const owner = report.groups[0]?.coredns?.replicaController;
        expect(owner?.kind).toBe("deployment");
        expect(report.scale?.owner).toBe(owner?.kind);
      }
      for (const alert of reports.flatMap((r) => r.groups.flatMap((g) => g.alerts))) {
        if (alert.node === null) continue;
        const { instanceType, zone, capacityType } = alert.node;
        expect({ instanceType, zone, capacityType }).toEqual(truth.get(alert.node.name));
      }
    },
    CLI_TIMEOUT_MS + 10_000,
  );
});
