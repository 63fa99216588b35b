import { describe, expect, it } from "vitest";
import {
  HostShape,
  identifyNode,
  instanceHost,
  instanceIdFromProviderId,
  ipFromEc2Hostname,
} from "../../shared/enrich/node-identity.ts";

describe("identifyNode", () => {
  it("prefers node labels in their documented order over instance", () => {
    expect(identifyNode({ hostname: "b", node: "a", instance: "10.0.0.1:9100" })).toEqual({
      kind: "node-name",
      name: "a",
      label: "node",
    });
    expect(identifyNode({ k8s_node_name: "c", hostname: "d" })).toMatchObject({
      name: "c",
      label: "k8s_node_name",
    });
  });

  it("ignores empty node labels and falls back to the instance host", () => {
    expect(identifyNode({ node: " ", instance: "10.0.1.23:9417" })).toEqual({
      kind: "host",
      host: "10.0.1.23",
      shape: HostShape.ipv4,
    });
  });

  it("classifies hosts by shape", () => {
    expect(identifyNode({ instance: "[fd00::17]:9100" })).toMatchObject({
      host: "fd00::17",
      shape: HostShape.ipv6,
    });
    expect(identifyNode({ instance: "i-0abc1234def567890" })).toMatchObject({ shape: HostShape.instanceId });
    expect(identifyNode({ instance: "i-0abc1234" })).toMatchObject({ shape: HostShape.instanceId });
    expect(identifyNode({ instance: "ip-10-0-1-23.ec2.internal:9100" })).toMatchObject({
      host: "ip-10-0-1-23.ec2.internal",
      shape: HostShape.hostname,
    });
    expect(identifyNode({ job: "x" })).toEqual({ kind: "none" });
  });
});

describe("instanceHost", () => {
  it.each([
    ["10.0.1.5:9100", "10.0.1.5"],
    ["10.0.1.5", "10.0.1.5"],
    ["http://10.0.1.5:9100/metrics", "10.0.1.5"],
    ["[fd00::5]:9100", "fd00::5"],
    ["fd00::5", "fd00::5"],
    ["IP-10-0-1-5.EC2.INTERNAL:9100", "ip-10-0-1-5.ec2.internal"],
  ])("%s -> %s", (instance, host) => {
    expect(instanceHost(instance)).toBe(host);
  });

  it("returns null for a missing or empty instance", () => {
    expect(instanceHost(undefined)).toBeNull();
    expect(instanceHost("  ")).toBeNull();
  });
});

describe("EC2 names", () => {
  it("reads the IP an EC2 hostname encodes", () => {
    expect(ipFromEc2Hostname("ip-10-0-1-23.us-west-2.compute.internal")).toBe("10.0.1.23");
    expect(ipFromEc2Hostname("ip-10-0-1-23")).toBe("10.0.1.23");
    expect(ipFromEc2Hostname("node-a")).toBeNull();
  });

  it("reads the instance id of a providerID", () => {
    expect(instanceIdFromProviderId("aws:///us-east-1a/i-0123456789abcdef0")).toBe("i-0123456789abcdef0");
    expect(instanceIdFromProviderId("kind://docker/kind/kind-worker")).toBeNull();
    expect(instanceIdFromProviderId(undefined)).toBeNull();
  });
});
