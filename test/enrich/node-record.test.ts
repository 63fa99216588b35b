import { describe, expect, it } from "vitest";
import type { Node, Table } from "../../shared/cluster/kube-objects.ts";
import {
  capacityTypeOf,
  nodeFacts,
  nodeRecordFromObject,
  nodeRecordFromTable,
} from "../../shared/enrich/node-record.ts";
import { tableRecords } from "../../shared/enrich/table.ts";

const node: Node = {
  metadata: {
    name: "ip-10-0-1-23.ec2.internal",
    creationTimestamp: "2026-11-01T00:00:00Z",
    labels: {
      "kubernetes.io/hostname": "ip-10-0-1-23.ec2.internal",
      "node.kubernetes.io/instance-type": "m5.large",
      "topology.kubernetes.io/zone": "us-east-1a",
      "eks.amazonaws.com/capacityType": "SPOT",
      "eks.amazonaws.com/nodegroup": "workers",
    },
  },
  spec: { providerID: "aws:///us-east-1a/i-0123456789abcdef0", unschedulable: true },
  status: {
    addresses: [
      { type: "InternalIP", address: "10.0.1.23" },
      { type: "ExternalIP", address: "54.1.2.3" },
      { type: "Hostname", address: "ip-10-0-1-23.ec2.internal" },
    ],
    conditions: [{ type: "Ready", status: "False" }],
  },
};

describe("node records and facts", () => {
  it("reads a full node object", () => {
    const record = nodeRecordFromObject(node);
    expect(record).toMatchObject({
      name: "ip-10-0-1-23.ec2.internal",
      addresses: ["10.0.1.23", "ip-10-0-1-23.ec2.internal"],
      instanceId: "i-0123456789abcdef0",
      ready: false,
      unschedulable: true,
    });
    expect(nodeFacts(record, { hostsCoreDNS: true, runsNodeLocalDNS: false })).toEqual({
      name: "ip-10-0-1-23.ec2.internal",
      instanceId: "i-0123456789abcdef0",
      instanceType: "m5.large",
      zone: "us-east-1a",
      capacityType: "spot",
      nodegroup: "workers",
      ready: false,
      createdAt: "2026-11-01T00:00:00Z",
      hostsCoreDNS: true,
      runsNodeLocalDNS: false,
      computeType: "ec2",
    });
  });

  it.each([
    [{ "eks.amazonaws.com/capacityType": "ON_DEMAND" }, "on-demand"],
    [{ "eks.amazonaws.com/capacityType": "SPOT" }, "spot"],
    [{ "karpenter.sh/capacity-type": "on-demand" }, "on-demand"],
    [{ "karpenter.sh/capacity-type": "spot" }, "spot"],
    [{}, "unknown"],
  ])("capacity type of %j is %s", (labels, expected) => {
    expect(capacityTypeOf(labels)).toBe(expected);
  });

  it.each([
    [{ "karpenter.sh/nodepool": "general" }, "general"],
    [{ "alpha.eksctl.io/nodegroup-name": "ng-1" }, "ng-1"],
  ])("nodegroup from %j", (labels, expected) => {
    const record = nodeRecordFromObject({ metadata: { name: "n", labels } });
    expect(nodeFacts(record, { hostsCoreDNS: false, runsNodeLocalDNS: false }).nodegroup).toBe(expected);
  });

  it("reads Table rows by column name, with the instance id from the EBS CSI annotation", () => {
    const table: Table = {
      metadata: {},
      columnDefinitions: [
        { name: "Internal-IP", type: "string", format: "" },
        { name: "Name", type: "string", format: "name" },
        { name: "Status", type: "string", format: "" },
      ],
      rows: [
        {
          cells: ["10.0.2.7", "ip-10-0-2-7.ec2.internal", "Ready,SchedulingDisabled"],
          object: {
            metadata: {
              name: "ip-10-0-2-7.ec2.internal",
              annotations: { "csi.volume.kubernetes.io/nodeid": '{"ebs.csi.aws.com":"i-0fedcba9876543210"}' },
              labels: { "karpenter.sh/capacity-type": "spot" },
            },
          },
        },
        { cells: ["<none>", "i-0aaaabbbbccccdddd.us-west-2.compute.internal", "NotReady"] },
      ],
    };
    const [first, second] = tableRecords(table).map(nodeRecordFromTable);
    expect(first).toMatchObject({
      name: "ip-10-0-2-7.ec2.internal",
      addresses: ["10.0.2.7"],
      instanceId: "i-0fedcba9876543210",
      ready: true,
      unschedulable: true,
      labels: { "karpenter.sh/capacity-type": "spot" },
    });
    expect(second).toMatchObject({
      addresses: [],
      instanceId: "i-0aaaabbbbccccdddd",
      ready: false,
      labels: null,
    });
  });
});
