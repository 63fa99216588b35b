import { describe, expect, it } from "vitest";
import { dropRateQuery } from "../../shared/verify/amp-query.ts";
import { verifyDrops } from "../../shared/verify/verdict.ts";

describe("verifyDrops", () => {
  const now = 10_000;
  it("stopped, still dropping, no drops or no counter, per node, with one line for humans", () => {
    const series = [
      {
        node: "a",
        values: [
          [8_000, 5],
          [8_100, 0],
          [9_900, 0],
        ] as [number, number][],
      },
      { node: "b", values: [[9_800, 3]] as [number, number][] },
      { node: "c", values: [[9_800, 0]] as [number, number][] },
    ];
    const verdict = verifyDrops(["a", "b", "c", "d"], series, now, 300);
    expect(verdict.nodes).toEqual([
      { node: "a", state: "stopped", lastDropAt: 8_000 },
      { node: "b", state: "dropping", lastDropAt: 9_800, rate: 3 },
      { node: "c", state: "no-drops" },
      { node: "d", state: "no-data" },
    ]);
    expect(verdict.summary).toBe(
      "still dropping on 1 of 4 node(s): b; no drop counter in AMP for 1 of 4 node(s): d (check the cluster and node labels of the series)",
    );
    expect(verifyDrops(["a", "c"], series, now, 300)).toMatchObject({
      stopped: true,
      summary: "drops stopped at 02:13 UTC on every node",
    });
    expect(verifyDrops(["c"], series, now, 300).summary).toBe("no drops on these nodes in the window");
    // An empty answer is a selector that matches nothing, never a green "stopped".
    expect(verifyDrops(["a", "b"], [], now, 300)).toMatchObject({ stopped: false });
  });

  it("selects both spellings by cluster and node, label values escaped for PromQL", () => {
    const query = dropRateQuery('prod"eu', ["ip-10-0-0-1.ec2.internal", "n|x"]);
    expect(dropRateQuery("prod", ["n"], "eks_cluster")).toContain('eks_cluster="prod",node=~"n"');
    expect(query).toContain('cluster="prod\\"eu",node=~"ip-10-0-0-1\\\\.ec2\\\\.internal|n\\\\|x"');
    expect(query).toContain("node_ethtool_linklocal_allowance_exceeded{");
    expect(query).toContain('node_net_ethtool{type="linklocal_allowance_exceeded",');
  });
});
