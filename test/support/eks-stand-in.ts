import { createServer, type Server } from "node:http";
import { describeAddonOutput, describeClusterOutput } from "../../sim/eks-responses.ts";
import type { SimCluster } from "../../sim/sim-cluster.ts";
import { listenOnLoopback } from "./loopback.ts";

/**
 * A loopback stand-in for the EKS REST API, for bundles (which aws-sdk-client-mock cannot reach): the
 * DescribeCluster, DescribeAddon, UpdateAddon and DescribeUpdate paths and error shape of the real service.
 */
export interface EksStandIn {
  url: string;
  requests: { method: string; path: string; body: string }[];
  close(): Promise<void>;
}

export async function startEksStandIn(
  cluster: SimCluster,
  apiServer: string,
  caPem: string,
): Promise<EksStandIn> {
  const requests: EksStandIn["requests"] = [];
  const updates: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = new URL(req.url ?? "/", "http://eks").pathname;
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({ method: req.method ?? "GET", path, body });
      const json = (status: number, value: unknown, errorType?: string) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (errorType) headers["x-amzn-errortype"] = errorType;
        res.writeHead(status, headers).end(JSON.stringify(value));
      };
      const base = `/clusters/${cluster.name}`;
      if (req.method === "GET" && path === base)
        return json(200, describeClusterOutput(cluster, apiServer, caPem));
      if (req.method === "GET" && path === `${base}/addons/coredns`) {
        const addon = describeAddonOutput(cluster);
        return addon
          ? json(200, addon)
          : json(404, { message: "No addon: coredns found in cluster" }, "ResourceNotFoundException");
      }
      if (req.method === "POST" && path === `${base}/addons/coredns/update`) {
        updates.push(body);
        return json(200, {
          update: { id: `update-${updates.length}`, status: "InProgress", type: "AddonUpdate" },
        });
      }
      if (req.method === "GET" && path.startsWith(`${base}/updates/`)) {
        return json(200, { update: { id: path.split("/").at(-1), status: "Successful", errors: [] } });
      }
      json(404, { message: `no route ${req.method} ${path}` }, "ResourceNotFoundException");
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return {
    url,
    requests,
    close,
  };
}
