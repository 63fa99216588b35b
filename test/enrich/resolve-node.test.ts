import { describe, expect, it } from "vitest";
import { identifyNode } from "../../shared/enrich/node-identity.ts";
import { nodeRecordFromObject } from "../../shared/enrich/node-record.ts";
import { buildNodeIndex, ResolutionStrategy, resolveNode } from "../../shared/enrich/resolve-node.ts";

const nodes = [
  nodeRecordFromObject({
    metadata: { name: "ip-10-0-1-23.ec2.internal" },
    spec: { providerID: "aws:///us-east-1a/i-0123456789abcdef0" },
    status: {
      addresses: [
        { type: "InternalIP", address: "10.0.1.23" },
        { type: "InternalDNS", address: "ip-10-0-1-23.ec2.internal" },
      ],
    },
  }),
  nodeRecordFromObject({
    metadata: { name: "worker-b", labels: { "kubernetes.io/hostname": "worker-b.corp.example" } },
    status: { addresses: [{ type: "InternalIP", address: "10.0.2.9" }] },
  }),
];
const index = buildNodeIndex(nodes, new Map([["10.0.7.7", "worker-b"]]));
const resolve = (labels: Record<string, string>) => resolveNode(identifyNode(labels), index);

describe("resolveNode", () => {
  it("uses the node label first", () => {
    expect(resolve({ node: "worker-b", instance: "10.0.1.23:9100" })).toEqual({
      node: "worker-b",
      strategy: ResolutionStrategy.nodeLabel,
    });
  });

  it("matches the instance host against InternalIP, Hostname and InternalDNS", () => {
    expect(resolve({ instance: "10.0.1.23:9417" })).toEqual({
      node: "ip-10-0-1-23.ec2.internal",
      strategy: "node-address",
    });
    expect(resolve({ instance: "worker-b.corp.example:9100" })).toEqual({
      node: "worker-b",
      strategy: "node-address",
    });
    expect(resolve({ instance: "ip-10-0-1-23.ec2.internal:9100" })).toMatchObject({
      strategy: "node-address",
    });
  });

  it("then as a pod IP", () => {
    expect(resolve({ instance: "10.0.7.7:8080" })).toEqual({
      node: "worker-b",
      strategy: ResolutionStrategy.podIp,
    });
  });

  it("then as a node name, a short EC2 hostname, or an instance id", () => {
    expect(resolve({ instance: "worker-b:9100" })).toEqual({
      node: "worker-b",
      strategy: ResolutionStrategy.nodeName,
    });
    expect(resolve({ instance: "ip-10-0-1-23:9100" })).toEqual({
      node: "ip-10-0-1-23.ec2.internal",
      strategy: ResolutionStrategy.nodeName,
    });
    expect(resolve({ instance: "i-0123456789abcdef0" })).toEqual({
      node: "ip-10-0-1-23.ec2.internal",
      strategy: ResolutionStrategy.instanceId,
    });
  });

  it("says what was tried when nothing matches", () => {
    expect(resolve({ instance: "10.9.9.9:1" })).toEqual({
      node: null,
      reason: "instance host 10.9.9.9 matched no node InternalIP/Hostname/InternalDNS and no pod IP",
    });
    expect(resolve({ instance: "i-0ffffffffffffffff" })).toMatchObject({
      node: null,
      reason: expect.stringMatching(/providerID/),
    });
    expect(resolve({ instance: "db-1:9100" })).toMatchObject({
      node: null,
      reason: expect.stringMatching(/node name/),
    });
    expect(resolve({ nodename: "gone" })).toMatchObject({
      node: null,
      reason: expect.stringMatching(/nodename="gone"/),
    });
  });
});

describe("resolveNode with short names in node labels", () => {
  it("matches node_exporter's short nodename to the node it abbreviates", () => {
    expect(resolve({ nodename: "ip-10-0-1-23" })).toEqual({
      node: "ip-10-0-1-23.ec2.internal",
      strategy: ResolutionStrategy.nodeLabel,
    });
  });
});
