import { describe, expect, it } from "vitest";
import type { ClusterDnsFacts } from "../../shared/enrich/facts-cache.ts";
import { coreDnsAddonLookup, createClusterFactsCache, readEnrichConfig } from "../../shared/enrich/index.ts";
import { ConfigError } from "../../shared/errors.ts";

const facts: ClusterDnsFacts = {
  workloads: {
    corednsDeployment: "coredns",
    corednsSelector: { "k8s-app": "kube-dns" },
    dnsService: null,
    corednsPods: [],
    corednsReplicas: { desired: 2, ready: 2 },
    autoscaler: null,
    nodeLocal: { present: false, desired: 0, ready: 0 },
    nodeLocalNodes: new Set<string>(),
  },
  autoscalerParams: null,
  addon: { kind: "skipped" },
  corednsNodeCapacity: {},
  clusterNodeCount: 3,
  schedulableNodeCount: 3,
  fargateNodeCount: 0,
  autoMode: { enabled: false, source: null },
};

describe("cluster facts cache", () => {
  it("serves facts until the TTL passes, per cluster", () => {
    let now = 1_000;
    const cache = createClusterFactsCache({ ttlMs: 60_000, clock: () => now });
    cache.set("prod", facts);
    expect(cache.get("prod")).toBe(facts);
    expect(cache.get("staging")).toBeNull();
    now += 59_999;
    expect(cache.get("prod")).toBe(facts);
    now += 1;
    expect(cache.get("prod")).toBeNull();
  });

  it("reads CLUSTER_FACTS_CACHE_SECONDS with a 60 s default", () => {
    expect(readEnrichConfig({})).toEqual({ clusterFactsTtlMs: 60_000 });
    expect(readEnrichConfig({ CLUSTER_FACTS_CACHE_SECONDS: "0" })).toEqual({ clusterFactsTtlMs: 0 });
    expect(() => readEnrichConfig({ CLUSTER_FACTS_CACHE_SECONDS: "soon" })).toThrow(ConfigError);
    expect(() => readEnrichConfig({ CLUSTER_FACTS_CACHE_SECONDS: "7200" })).toThrow(/<= 3600/);
  });
});

describe("coreDnsAddonLookup", () => {
  it("adapts a describe function and maps a missing add-on to null", async () => {
    const seen: string[] = [];
    const describe = async (client: { region: string }, cluster: string) => {
      seen.push(`${client.region}/${cluster}`);
      return cluster === "prod"
        ? { addonVersion: "v1.11.3-eksbuild.2", configurationValues: undefined }
        : null;
    };
    await expect(
      coreDnsAddonLookup(describe, { region: "eu-west-1" }, "prod").describeCoreDns(),
    ).resolves.toEqual({
      addonVersion: "v1.11.3-eksbuild.2",
      configurationValues: null,
    });
    await expect(
      coreDnsAddonLookup(describe, { region: "eu-west-1" }, "dev").describeCoreDns(),
    ).resolves.toBeNull();
    expect(seen).toEqual(["eu-west-1/prod", "eu-west-1/dev"]);
  });
});
