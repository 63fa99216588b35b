import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { decodeEksToken } from "../../shared/cluster/eks-token.ts";
import { describeAddonOutput, describeClusterOutput } from "../../sim/eks-responses.ts";
import type { SimCluster } from "../../sim/sim-cluster.ts";
import { listenOnLoopback } from "./loopback.ts";

/**
 * STS and EKS on one loopback port (point AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL_EKS at it), for a fleet
 * of simulated clusters in several regions and accounts. STS answers AssumeRole (the query protocol, as the
 * real service) with credentials whose key id names the role; EKS answers DescribeCluster/DescribeAddon only
 * in the cluster's region and only to the credentials allowed to reach it, as an account boundary would.
 * Every call is recorded with its service, signing region and access key, so a test can tell which role and
 * region each call used.
 */
export interface FleetCluster {
  cluster: SimCluster;
  region: string;
  apiServer: string;
  caPem: string;
  /** The access key whose calls may reach it: an assumed role's (see `roleKey`) or the function's own. */
  accessKeyId: string;
}

export interface FleetCall {
  service: "sts" | "eks";
  region: string;
  accessKeyId: string;
  /** EKS: the path; STS: the role assumed. */
  target: string;
}

export interface FleetStandIn {
  url: string;
  calls: FleetCall[];
  /** The Kubernetes token check for a simulated API server: who the presigned token's key id is. */
  tokenIdentity(accessKeyId: string): (token: string) => string | undefined;
  close(): Promise<void>;
}

/** The access key id STS hands out for `roleArn`: `ASIA` and 16 characters of its hash. */
export function roleKey(roleArn: string): string {
  return `ASIA${createHash("sha256").update(roleArn).digest("hex").slice(0, 16).toUpperCase()}`;
}

const CREDENTIAL = /Credential=([A-Z0-9]+)\/\d{8}\/([a-z0-9-]+)\/([a-z]+)\/aws4_request/;

export async function startFleetStandIn(fleet: FleetCluster[]): Promise<FleetStandIn> {
  const calls: FleetCall[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signed = CREDENTIAL.exec(req.headers.authorization ?? "");
      const [, accessKeyId = "", region = "", service = ""] = signed ?? [];
      const json = (status: number, value: unknown, errorType?: string) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (errorType) headers["x-amzn-errortype"] = errorType;
        res.writeHead(status, headers).end(JSON.stringify(value));
      };
      if (service === "sts") {
        const form = new URLSearchParams(body);
        const roleArn = form.get("RoleArn") ?? "";
        calls.push({ service: "sts", region, accessKeyId, target: roleArn });
        if (form.get("Action") !== "AssumeRole" || !roleArn) {
          res.writeHead(400, { "content-type": "text/xml" }).end(stsError("InvalidAction", "not AssumeRole"));
          return;
        }
        res.writeHead(200, { "content-type": "text/xml" }).end(assumeRoleResponse(roleArn));
        return;
      }
      const path = new URL(req.url ?? "/", "http://eks").pathname;
      calls.push({ service: "eks", region, accessKeyId, target: path });
      const member = fleet.find(
        (f) => path === `/clusters/${f.cluster.name}` || path.startsWith(`/clusters/${f.cluster.name}/`),
      );
      if (!member || member.region !== region)
        return json(404, { message: `No cluster found for name in ${region}` }, "ResourceNotFoundException");
      if (member.accessKeyId !== accessKeyId)
        return json(403, { message: "not authorized" }, "AccessDeniedException");
      if (path === `/clusters/${member.cluster.name}`)
        return json(200, describeClusterOutput(member.cluster, member.apiServer, member.caPem));
      const addon = describeAddonOutput(member.cluster);
      return addon
        ? json(200, addon)
        : json(404, { message: "No addon: coredns" }, "ResourceNotFoundException");
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    calls,
    tokenIdentity: (expected) => (token) => {
      const presigned = decodeEksToken(token);
      const credential = new URL(presigned).searchParams.get("X-Amz-Credential") ?? "";
      return credential.startsWith(`${expected}/`) ? `arn:aws:sts::identity/${expected}` : undefined;
    },
    close,
  };
}

function assumeRoleResponse(roleArn: string): string {
  const expiration = new Date(Date.now() + 3_600_000).toISOString();
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${roleKey(roleArn)}</AccessKeyId>
      <SecretAccessKey>secret-of-${createHash("sha256").update(roleArn).digest("hex").slice(0, 24)}</SecretAccessKey>
      <SessionToken>session-token</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROA0000000000000000:linklocal-sentinel</AssumedRoleId>
      <Arn>${roleArn.replace(":role/", ":assumed-role/")}/linklocal-sentinel</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

function stsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>0</RequestId></ErrorResponse>`;
}
