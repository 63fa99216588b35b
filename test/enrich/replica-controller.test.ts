import { describe, expect, it } from "vitest";
import type { Deployment } from "../../shared/cluster/kube-objects.ts";
import { parseConfigurationValues } from "../../shared/enrich/configuration-values.ts";
import {
  addonReplicaSettings,
  autoscalerParams,
  decideReplicaController,
  dnsAutoscalerOf,
} from "../../shared/enrich/replica-controller.ts";

const addon = (configurationValues: string | null) =>
  ({
    kind: "present",
    addon: { addonVersion: "v1.11.3-eksbuild.2", configurationValues },
    values: configurationValues === null ? null : JSON.parse(configurationValues),
  }) as const;

/** What enrichment does with the add-on's text: parse (JSON, else YAML), then read the replica settings. */
const settingsOf = async (text: string | null) => addonReplicaSettings(await parseConfigurationValues(text));

const cpaDeployment: Deployment = {
  metadata: { name: "dns-autoscaler", labels: { "k8s-app": "dns-autoscaler" } },
  spec: {
    template: {
      spec: {
        containers: [
          {
            name: "autoscaler",
            args: [
              "--namespace=kube-system",
              "--configmap=dns-autoscaler-params",
              "--target=Deployment/coredns",
            ],
          },
        ],
      },
    },
  },
};

describe("add-on configuration values", () => {
  it("reads JSON and YAML", async () => {
    expect(await settingsOf('{"autoScaling":{"enabled":true,"minReplicas":3,"maxReplicas":12}}')).toEqual({
      replicaCount: null,
      autoScaling: { enabled: true, minReplicas: 3, maxReplicas: 12 },
    });
    expect(await settingsOf("replicaCount: 4\nresources:\n  limits:\n    memory: 170Mi\n")).toEqual({
      replicaCount: 4,
      autoScaling: null,
    });
  });

  it("treats empty or unreadable values as unset", async () => {
    expect(await settingsOf(null)).toEqual({ replicaCount: null, autoScaling: null });
    expect(await settingsOf("{not: [valid")).toEqual({ replicaCount: null, autoScaling: null });
  });
});

describe("decideReplicaController", () => {
  const none = { autoscaler: null, autoscalerParams: null, deploymentReplicas: 2 };

  it("add-on autoScaling wins over everything", () => {
    expect(
      decideReplicaController({
        ...none,
        addon: addon('{"autoScaling":{"enabled":true,"minReplicas":2,"maxReplicas":10}}'),
        autoscaler: dnsAutoscalerOf(cpaDeployment),
      }),
    ).toEqual({
      kind: "eks-addon",
      detail: "EKS add-on coredns v1.11.3-eksbuild.2 with autoScaling (min 2, max 10)",
    });
  });

  it("cluster-proportional-autoscaler targeting coredns comes next", () => {
    expect(
      decideReplicaController({
        ...none,
        addon: addon('{"replicaCount":3}'),
        autoscaler: dnsAutoscalerOf(cpaDeployment),
        autoscalerParams: autoscalerParams({
          metadata: { name: "dns-autoscaler-params" },
          data: { linear: '{"nodesPerReplica":16,"coresPerReplica":256,"min":2}' },
        }),
      }),
    ).toEqual({
      kind: "cluster-proportional-autoscaler",
      detail:
        "cluster-proportional-autoscaler deployment/dns-autoscaler, ConfigMap dns-autoscaler-params linear: 1 replica per 16 nodes, per 256 cores, min 2",
    });
  });

  it("an autoscaler targeting something else does not own CoreDNS", () => {
    const other = { ...dnsAutoscalerOf(cpaDeployment), target: "deployment/kube-dns" };
    expect(decideReplicaController({ ...none, addon: { kind: "absent" }, autoscaler: other }).kind).toBe(
      "deployment",
    );
  });

  it("an add-on with replicaCount or defaults owns replicas", () => {
    expect(decideReplicaController({ ...none, addon: addon('{"replicaCount":3}') }).detail).toBe(
      "EKS add-on coredns v1.11.3-eksbuild.2 with replicaCount 3",
    );
    expect(decideReplicaController({ ...none, addon: addon(null) }).detail).toMatch(
      /without replicaCount or autoScaling/,
    );
  });

  it("the Deployment without an add-on, unknown when the add-on was not or could not be checked", () => {
    expect(decideReplicaController({ ...none, addon: { kind: "absent" } })).toEqual({
      kind: "deployment",
      detail: "the coredns Deployment's own spec.replicas (2); no EKS add-on, no autoscaler",
    });
    expect(
      decideReplicaController({ ...none, addon: { kind: "absent", declaredByOperator: true } }).detail,
    ).toBe(
      "the coredns Deployment's own spec.replicas (2); not an EKS add-on, as --self-managed-coredns says",
    );
    expect(decideReplicaController({ ...none, addon: { kind: "skipped" } }).kind).toBe("unknown");
    expect(
      decideReplicaController({
        ...none,
        addon: { kind: "failed", error: "AccessDenied", reason: "forbidden" },
      }).detail,
    ).toMatch(/lookup failed: AccessDenied/);
  });
});
