import type { LabelSet } from "../model/index.ts";
import { NODE_NAME_LABELS } from "./constants.ts";

/**
 * What an alert tells us about its node, before any API call: a node name from a label, or the host of its
 * `instance` label classified by shape. Pure.
 */
export type NodeIdentity =
  | { kind: "node-name"; name: string; label: string }
  | { kind: "host"; host: string; shape: HostShape }
  | { kind: "none" };

export const HostShape = {
  ipv4: "ipv4",
  ipv6: "ipv6",
  instanceId: "instance-id",
  hostname: "hostname",
} as const;
export type HostShape = (typeof HostShape)[keyof typeof HostShape];

const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** EC2's IP-based hostnames: ip-10-0-1-23, ip-10-0-1-23.ec2.internal, ip-10-0-1-23.us-west-2.compute.internal */
const EC2_IP_NAME = /^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})(?:\.|$)/;

export function identifyNode(labels: LabelSet): NodeIdentity {
  for (const label of NODE_NAME_LABELS) {
    const name = labels[label]?.trim();
    if (name) return { kind: "node-name", name, label };
  }
  const host = instanceHost(labels.instance);
  if (host === null) return { kind: "none" };
  return { kind: "host", host, shape: hostShape(host) };
}

/** The host part of a Prometheus `instance` label: `10.0.1.5:9100`, `[fd00::5]:9100`, `http://host:9100/x`. */
export function instanceHost(instance: string | undefined): string | null {
  let text = instance?.trim();
  if (!text) return null;
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/.*$/, "");
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed?.[1]) return bracketed[1].toLowerCase();
  // More than one colon and no brackets: a bare IPv6 address without a port.
  if ((text.match(/:/g) ?? []).length > 1) return text.toLowerCase();
  const host = text.replace(/:\d+$/, "").toLowerCase();
  return host === "" ? null : host;
}

export function hostShape(host: string): HostShape {
  if (IPV4.test(host)) return HostShape.ipv4;
  if (host.includes(":")) return HostShape.ipv6;
  if (INSTANCE_ID.test(host)) return HostShape.instanceId;
  return HostShape.hostname;
}

/** The IPv4 address an EC2 IP-based hostname encodes, or null. */
export function ipFromEc2Hostname(host: string): string | null {
  const match = EC2_IP_NAME.exec(host);
  if (!match) return null;
  return match.slice(1, 5).join(".");
}

/** The instance id at the end of `aws:///us-east-1a/i-0abc...` (or `aws://us-east-1a/i-...`). */
export function instanceIdFromProviderId(providerId: string | undefined): string | null {
  if (!providerId?.startsWith("aws:")) return null;
  const last = providerId.split("/").pop() ?? "";
  return INSTANCE_ID.test(last) ? last : null;
}

export function isInstanceId(text: string): boolean {
  return INSTANCE_ID.test(text);
}
