import { describe, expect, it } from "vitest";
import type { Deployment } from "../../shared/cluster/kube-objects.ts";
import {
  computeTypeOf,
  deploymentSelectedBy,
  findCoreDnsDeployment,
  findDnsAutoscaler,
} from "../../shared/enrich/dns-layout.ts";

function deployment(
  name: string,
  labels: Record<string, string>,
  extra: { ready?: number; args?: string[] } = {},
): Deployment {
  return {
    metadata: { name, namespace: "kube-system", labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name, image: `${name}:1`, ...(extra.args ? { args: extra.args } : {}) }] },
      },
    },
    status: { readyReplicas: extra.ready ?? 2 },
  };
}

const eks = deployment("coredns", { "k8s-app": "kube-dns", "eks.amazonaws.com/component": "coredns" });
const helm = deployment(
  "dns-coredns",
  { "k8s-app": "coredns", "app.kubernetes.io/name": "coredns" },
  { ready: 3 },
);
const chartAutoscaler = deployment(
  "dns-coredns-autoscaler",
  { "k8s-app": "coredns-autoscaler" },
  {
    args: ["--configmap=dns-coredns-autoscaler", "--target=Deployment/dns-coredns"],
  },
);

describe("finding CoreDNS and its autoscaler whatever they are called", () => {
  it("finds CoreDNS by its pods' labels, never the chart's autoscaler", () => {
    expect(findCoreDnsDeployment([chartAutoscaler, helm])?.metadata.name).toBe("dns-coredns");
    expect(
      findCoreDnsDeployment([deployment("dns", { "app.kubernetes.io/name": "coredns" })])?.metadata.name,
    ).toBe("dns");
    expect(findCoreDnsDeployment([chartAutoscaler])).toBeNull();
  });

  it("during a migration (EKS's and a Helm release side by side) prefers the one named coredns", () => {
    expect(findCoreDnsDeployment([helm, eks])?.metadata.name).toBe("coredns");
    const other = deployment("cluster-dns", { "k8s-app": "kube-dns" }, { ready: 5 });
    expect(findCoreDnsDeployment([helm, other])?.metadata.name).toBe("cluster-dns");
  });

  it("finds the Deployment a Service selects by its template's labels", () => {
    expect(deploymentSelectedBy([eks, helm], { "app.kubernetes.io/name": "coredns" })?.metadata.name).toBe(
      "dns-coredns",
    );
    expect(deploymentSelectedBy([eks], { app: "unbound" })).toBeNull();
    expect(deploymentSelectedBy([eks], {})).toBeNull();
  });

  it("finds the autoscaler by a --target naming the CoreDNS Deployment, in any case", () => {
    expect(findDnsAutoscaler([helm, chartAutoscaler], "dns-coredns")).toMatchObject({
      deployment: "dns-coredns-autoscaler",
      configMap: "dns-coredns-autoscaler",
    });
    expect(findDnsAutoscaler([helm, chartAutoscaler], "coredns")).toBeNull();
    // The upstream label without a readable command line still counts, as before.
    expect(
      findDnsAutoscaler([deployment("dns-autoscaler", { "k8s-app": "dns-autoscaler" })], "coredns"),
    ).toMatchObject({ deployment: "dns-autoscaler" });
    expect(findDnsAutoscaler([chartAutoscaler], null)).toBeNull();
  });

  it("tells the compute under a node from its label, or a Fargate node from its name", () => {
    expect(computeTypeOf({ "eks.amazonaws.com/compute-type": "auto" }, "i-0abc")).toBe("auto");
    expect(computeTypeOf({ "eks.amazonaws.com/compute-type": "fargate" }, "fargate-ip-10-0-0-1")).toBe(
      "fargate",
    );
    expect(computeTypeOf(null, "fargate-ip-10-0-0-1.ec2.internal")).toBe("fargate");
    expect(computeTypeOf({}, "fargate-looking-but-labelled")).toBe("ec2");
    expect(computeTypeOf(null, "ip-10-0-0-1.ec2.internal")).toBe("ec2");
  });
});
