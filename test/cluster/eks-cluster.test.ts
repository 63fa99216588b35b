import {
  AccessDeniedException,
  DescribeAddonCommand,
  DescribeClusterCommand,
  EKSClient,
  ResourceNotFoundException,
} from "@aws-sdk/client-eks";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  clearEksClusterCache,
  createEksKubeApi,
  describeCoreDnsAddon,
  describeEksCluster,
} from "../../shared/cluster/eks-cluster.ts";
import { decodeEksToken } from "../../shared/cluster/eks-token.ts";
import { EksClusterError } from "../../shared/cluster/errors.ts";
import type { NodeList } from "../../shared/cluster/kube-objects.ts";
import { startSimulator } from "../support/cluster-sim.ts";
import { testPki } from "../support/cluster-tls.ts";

const eksMock = mockClient(EKSClient);
const credentials = async () => ({ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret-example-key" });
const eks = () => new EKSClient({ region: "us-east-1", credentials });
const caData = Buffer.from(testPki.ca).toString("base64");

beforeEach(() => {
  eksMock.reset();
  clearEksClusterCache();
});
afterEach(() => eksMock.reset());

/** The simulator accepts only EKS-shaped tokens (a presigned STS URL signing x-k8s-aws-id). */
function eksTokenAuth() {
  return (token: string) => {
    try {
      const url = decodeEksToken(token);
      const signed = url.searchParams.get("X-Amz-SignedHeaders")?.split(";") ?? [];
      return url.host === "sts.us-east-1.amazonaws.com" && signed.includes("x-k8s-aws-id")
        ? "arn:aws:sts::123456789012:assumed-role/sentinel/fn"
        : undefined;
    } catch {
      return undefined;
    }
  };
}

describe("describeEksCluster", () => {
  it("returns the endpoint and the decoded CA, and caches it per cluster and region", async () => {
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: {
        name: "prod",
        endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com",
        certificateAuthority: { data: caData },
      },
    });
    const first = await describeEksCluster(eks(), "prod");
    expect(first).toEqual({
      endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com",
      caPem: testPki.ca,
      autoModeEnabled: false,
    });
    await describeEksCluster(eks(), "prod");
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
    expect(eksMock.commandCalls(DescribeClusterCommand)[0]?.args[0].input).toEqual({ name: "prod" });
    await describeEksCluster(eks(), "staging");
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(2);
  });

  it("reads EKS Auto Mode from computeConfig.enabled in the same answer", async () => {
    eksMock.on(DescribeClusterCommand).resolves({
      cluster: {
        name: "auto",
        endpoint: "https://DEF.gr7.us-east-1.eks.amazonaws.com",
        certificateAuthority: { data: caData },
        computeConfig: { enabled: true, nodePools: ["general-purpose", "system"] },
      },
    });
    expect((await describeEksCluster(eks(), "auto")).autoModeEnabled).toBe(true);
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
  });

  it("names a missing cluster and does not cache the failure", async () => {
    eksMock
      .on(DescribeClusterCommand)
      .rejectsOnce(
        new ResourceNotFoundException({ message: "No cluster found for name: prod.", $metadata: {} }),
      )
      .resolves({
        cluster: { endpoint: "https://x.eks.amazonaws.com", certificateAuthority: { data: caData } },
      });
    await expect(describeEksCluster(eks(), "prod")).rejects.toThrow(
      new EksClusterError('EKS cluster "prod" not found in us-east-1'),
    );
    await expect(describeEksCluster(eks(), "prod")).resolves.toMatchObject({
      endpoint: "https://x.eks.amazonaws.com",
    });
  });

  it("explains a missing IAM permission and a cluster still being created", async () => {
    eksMock
      .on(DescribeClusterCommand)
      .rejects(new AccessDeniedException({ message: "denied", $metadata: {} }));
    await expect(describeEksCluster(eks(), "prod")).rejects.toThrow(/eks:DescribeCluster on "prod"/);
    eksMock.reset();
    eksMock.on(DescribeClusterCommand).resolves({ cluster: { name: "prod", status: "CREATING" } });
    await expect(describeEksCluster(eks(), "prod")).rejects.toThrow(
      /no API endpoint or CA yet \(status CREATING\)/,
    );
  });
});

describe("describeCoreDnsAddon", () => {
  it("returns version and configuration values, or null when CoreDNS is not an EKS add-on", async () => {
    eksMock.on(DescribeAddonCommand).resolvesOnce({
      addon: {
        addonName: "coredns",
        addonVersion: "v1.11.3-eksbuild.2",
        configurationValues: '{"autoScaling":{"enabled":true,"minReplicas":2,"maxReplicas":10}}',
      },
    });
    expect(await describeCoreDnsAddon(eks(), "prod")).toEqual({
      addonVersion: "v1.11.3-eksbuild.2",
      configurationValues: '{"autoScaling":{"enabled":true,"minReplicas":2,"maxReplicas":10}}',
    });
    expect(eksMock.commandCalls(DescribeAddonCommand)[0]?.args[0].input).toEqual({
      clusterName: "prod",
      addonName: "coredns",
    });
    eksMock
      .on(DescribeAddonCommand)
      .rejects(
        new ResourceNotFoundException({ message: "No addon: coredns found in cluster: prod", $metadata: {} }),
      );
    expect(await describeCoreDnsAddon(eks(), "prod")).toBeNull();
  });

  it("returns null configuration values for an add-on without them", async () => {
    eksMock.on(DescribeAddonCommand).resolves({
      addon: { addonName: "coredns", addonVersion: "v1.11.1-eksbuild.9", configurationValues: "" },
    });
    expect(await describeCoreDnsAddon(eks(), "prod")).toEqual({
      addonVersion: "v1.11.1-eksbuild.9",
      configurationValues: null,
    });
  });
});

describe("createEksKubeApi", () => {
  it("connects with DescribeCluster's endpoint and CA and an EKS token, reusing both across requests", async () => {
    const { sim, cluster } = await startSimulator({
      tls: { cert: testPki.serverCert, key: testPki.serverKey },
      auth: { tokens: eksTokenAuth() },
    });
    eksMock
      .on(DescribeClusterCommand)
      .resolves({ cluster: { endpoint: sim.url, certificateAuthority: { data: caData } } });
    const kube = createEksKubeApi({ clusterName: "prod", region: "us-east-1", eks: eks(), credentials });
    const nodes = await kube.get<NodeList>("/api/v1/nodes");
    expect(nodes.items).toHaveLength(cluster.nodes.length);
    await kube.get("/apis/apps/v1/namespaces/kube-system/deployments/coredns");
    expect(eksMock.commandCalls(DescribeClusterCommand)).toHaveLength(1);
    expect(sim.requests.map((r) => r.user)).toEqual([
      "arn:aws:sts::123456789012:assumed-role/sentinel/fn",
      "arn:aws:sts::123456789012:assumed-role/sentinel/fn",
    ]);
    expect(kube.stats.requests).toBe(2);
    expect(kube.stats.bytes).toBe(sim.traffic().bytes);
  });

  it("surfaces a DescribeCluster failure on the request and retries it on the next one", async () => {
    const { sim } = await startSimulator({ tls: { cert: testPki.serverCert, key: testPki.serverKey } });
    eksMock
      .on(DescribeClusterCommand)
      .rejectsOnce(new AccessDeniedException({ message: "denied", $metadata: {} }))
      .resolves({ cluster: { endpoint: sim.url, certificateAuthority: { data: caData } } });
    const kube = createEksKubeApi({ clusterName: "prod", region: "us-east-1", eks: eks(), credentials });
    await expect(kube.get("/api/v1/nodes")).rejects.toBeInstanceOf(EksClusterError);
    await expect(kube.get("/api/v1/nodes")).resolves.toMatchObject({ kind: "NodeList" });
  });
});
