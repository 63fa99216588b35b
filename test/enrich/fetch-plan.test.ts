import { describe, expect, it } from "vitest";
import { chooseFetchPlan } from "../../shared/enrich/fetch-plan.ts";
import { chunkByLength, inSelector, isLabelValue } from "../../shared/enrich/kube-reads.ts";
import { identifyNode } from "../../shared/enrich/node-identity.ts";

const plan = (labelSets: Record<string, string>[]) => chooseFetchPlan(labelSets.map(identifyNode));

describe("chooseFetchPlan", () => {
  it("targets a few hosts with selectors", () => {
    expect(
      plan([
        { node: "a" },
        { instance: "10.0.0.1:1" },
        { instance: "ip-10-0-0-2:1" },
        { instance: "i-0abc1234" },
      ]),
    ).toEqual({
      kind: "targeted",
      names: ["a", "ip-10-0-0-2"],
      ips: ["10.0.0.1", "10.0.0.2"],
      instanceIds: ["i-0abc1234"],
    });
  });

  it("looks up IPs found in node labels (a short EC2 nodename, an IP as hostname)", () => {
    expect(plan([{ nodename: "ip-10-0-0-9" }, { hostname: "10.0.0.8" }]).ips).toEqual([
      "10.0.0.9",
      "10.0.0.8",
    ]);
  });

  it("switches to the node Table when IPs or names outgrow targeted reads", () => {
    expect(plan([1, 2, 3, 4].map((i) => ({ instance: `10.0.0.${i}:1` }))).kind).toBe("table");
    expect(plan([1, 2, 3, 4, 5, 6].map((i) => ({ node: `n${i}` }))).kind).toBe("table");
  });

  it("depends on distinct hosts, not on the number of alerts", () => {
    expect(plan(Array.from({ length: 500 }, () => ({ node: "same" }))).kind).toBe("targeted");
  });
});

describe("selectors", () => {
  it("builds set-based selectors and chunks them by length", () => {
    expect(inSelector("k8s-app", ["kube-dns", "dns-autoscaler"])).toBe(
      "k8s-app in (kube-dns,dns-autoscaler)",
    );
    expect(chunkByLength(["aaaa", "bbbb", "cccc"], 10)).toEqual([["aaaa", "bbbb"], ["cccc"]]);
    expect(chunkByLength([], 10)).toEqual([]);
  });

  it("knows which names can be label values", () => {
    expect(isLabelValue("ip-10-0-1-23.us-west-2.compute.internal")).toBe(true);
    expect(isLabelValue("a".repeat(64))).toBe(false);
    expect(isLabelValue("bad name")).toBe(false);
  });
});
