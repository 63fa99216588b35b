import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { debianToolsPresent } from "../support/debian-tools.ts";
import { type JsonObject, loadYamlDocuments, readRepoFile } from "../support/infra-template.ts";
import { type RelabelRule, relabel, targetLabels } from "../support/relabel.ts";

/**
 * From the exporter to the alert: infra/exporter.yaml's DaemonSet, scraped as infra/scrape-config.yaml says
 * (its relabeling applied to the targets Kubernetes discovery would give), produces series on which
 * infra/alert-rules.yaml fires with the `cluster` and `node` labels the pipeline reads. promtool checks the
 * scrape configuration and runs the rules on those series.
 */
const run = promisify(execFile);
const present = debianToolsPresent(["promtool"], "exporter and scrape checks");
const CLUSTER = "prod-eu";

async function tool(args: string[], cwd?: string) {
  try {
    const { stdout, stderr } = await run("promtool", args, { cwd, timeout: 120_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

// The placeholder the file asks to replace (written apart so it does not read as a JavaScript template).
const scrapeText = readRepoFile("infra/scrape-config.yaml").replaceAll(`$${"{"}CLUSTER_NAME}`, CLUSTER);
const scrape = parse(scrapeText) as {
  scrape_configs: {
    job_name: string;
    kubernetes_sd_configs: { role: string; namespaces: { names: string[] } }[];
    relabel_configs: RelabelRule[];
    metric_relabel_configs: RelabelRule[];
  }[];
};
const job = (name: string) => {
  const found = scrape.scrape_configs.find((j) => j.job_name === name);
  if (!found) throw new Error(`no scrape job ${name}`);
  return found;
};

const daemonSet = loadYamlDocuments("infra/exporter.yaml").find((d) => d?.kind === "DaemonSet") as JsonObject;
const podSpec = ((daemonSet.spec as JsonObject).template as JsonObject).spec as JsonObject;
const podLabels = (((daemonSet.spec as JsonObject).template as JsonObject).metadata as JsonObject)
  .labels as Record<string, string>;
const container = (podSpec.containers as JsonObject[])[0] as JsonObject;
const args = container.args as string[];
const port = (container.ports as JsonObject[])[0] as { name: string; containerPort: number };
const flag = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split("=")
    .slice(1)
    .join("=");

/** What Kubernetes pod discovery gives Prometheus for one pod's port (label names sanitised as it does). */
function discovered(pod: {
  namespace: string;
  labels: Record<string, string>;
  node: string;
  ip: string;
  port: { name?: string; number: number };
}): Record<string, string> {
  const meta: Record<string, string> = {
    __address__: `${pod.ip}:${pod.port.number}`,
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_node_name: pod.node,
    __meta_kubernetes_pod_container_port_number: String(pod.port.number),
  };
  if (pod.port.name) meta.__meta_kubernetes_pod_container_port_name = pod.port.name;
  for (const [name, value] of Object.entries(pod.labels))
    meta[`__meta_kubernetes_pod_label_${name.replace(/[^a-zA-Z0-9_]/g, "_")}`] = value;
  return meta;
}

/** A scraped series' labels: the job's relabeling on the target, `instance` defaulted, metric relabeling. */
function scraped(
  jobName: string,
  target: Record<string, string>,
  metric: string,
  extra: Record<string, string>,
) {
  const config = job(jobName);
  const namespace = target.__meta_kubernetes_namespace ?? "";
  expect(config.kubernetes_sd_configs[0]?.namespaces.names).toContain(namespace);
  const relabeled = relabel({ job: jobName, ...target }, config.relabel_configs);
  if (relabeled === null) return null;
  const labels = targetLabels({ instance: relabeled.__address__ ?? "", ...relabeled });
  const series = relabel({ __name__: metric, ...extra, ...labels }, config.metric_relabel_configs);
  return series && targetLabels(series);
}

const selector = (metric: string, labels: Record<string, string>) =>
  `${metric}{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",")}}`;

describe.runIf(present)("infra/exporter.yaml scraped by infra/scrape-config.yaml", () => {
  const dir = mkdtempSync(join(tmpdir(), "exporter-scrape-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is a scrape configuration promtool accepts (relabeling, regexes, jobs)", async () => {
    // Debian's Prometheus is built without Kubernetes discovery, so promtool checks everything else: each
    // job's discovery is swapped for a static target, and the discovery blocks are checked by shape here.
    const config = parse(scrapeText) as { scrape_configs: JsonObject[] };
    for (const scrapeJob of config.scrape_configs) {
      const sd = scrapeJob.kubernetes_sd_configs as JsonObject[];
      expect(sd).toHaveLength(1);
      const [discovery] = sd as [JsonObject];
      expect(discovery.role).toBe("pod");
      expect(((discovery.namespaces as JsonObject).names as string[]).length).toBe(1);
      delete scrapeJob.kubernetes_sd_configs;
      scrapeJob.static_configs = [{ targets: ["127.0.0.1:9417"] }];
    }
    const file = join(dir, "prometheus.yml");
    writeFileSync(file, stringify(config));
    const result = await tool(["check", "config", file]);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
    // And it refuses a broken relabel regex, so the check above can fail.
    const broken = scrapeText.replace("regex: linklocal-ethtool-exporter", "regex: '(unclosed'");
    const brokenConfig = parse(broken) as { scrape_configs: JsonObject[] };
    for (const scrapeJob of brokenConfig.scrape_configs) {
      delete scrapeJob.kubernetes_sd_configs;
      scrapeJob.static_configs = [{ targets: ["127.0.0.1:9417"] }];
    }
    writeFileSync(file, stringify(brokenConfig));
    expect((await tool(["check", "config", file])).code).not.toBe(0);
  });

  it("exports only the link-local counter, from the node's own network, on a port that matches its scrape", () => {
    expect(podSpec.hostNetwork).toBe(true);
    expect(podSpec.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(args).toContain("--collector.ethtool");
    expect(args).toContain("--collector.disable-defaults");
    expect(
      new RegExp(flag("collector.ethtool.metrics-include") ?? "^$").test("linklocal_allowance_exceeded"),
    ).toBe(true);
    expect(new RegExp(flag("collector.ethtool.metrics-include") ?? "").test("rx_packets")).toBe(false);
    expect(new RegExp(flag("collector.ethtool.device-include") ?? "").test("eth0")).toBe(true);
    expect(flag("web.listen-address")).toBe(`:${port.containerPort}`);
  });

  it("fires the drop alert and the heartbeat with cluster and node, and the headroom alert only where there are no drops", async () => {
    const nodeA = "ip-10-0-1-23.eu-west-1.compute.internal";
    const nodeB = "ip-10-0-2-41.eu-west-1.compute.internal";
    const exporterOn = (node: string, ip: string) =>
      discovered({
        namespace: String((daemonSet.metadata as JsonObject).namespace),
        labels: podLabels,
        node,
        ip,
        port: { name: port.name, number: port.containerPort },
      });
    // node_exporter's ethtool collector names each statistic node_ethtool_<name>, per device.
    const drops = scraped(
      "linklocal-ethtool",
      exporterOn(nodeA, "10.0.1.23"),
      "node_ethtool_linklocal_allowance_exceeded",
      {
        device: "eth0",
      },
    );
    const quiet = scraped(
      "linklocal-ethtool",
      exporterOn(nodeB, "10.0.2.41"),
      "node_ethtool_linklocal_allowance_exceeded",
      {
        device: "eth0",
      },
    );
    if (!drops || !quiet) throw new Error("the exporter's series were dropped by the scrape configuration");
    expect(drops).toMatchObject({
      cluster: CLUSTER,
      node: nodeA,
      instance: "10.0.1.23:9417",
      device: "eth0",
    });
    // CoreDNS on both nodes, forwarding 80% of the allowance (819 packets/s).
    const corednsOn = (node: string, ip: string) =>
      scraped(
        "coredns",
        discovered({
          namespace: "kube-system",
          labels: { "k8s-app": "kube-dns" },
          node,
          ip,
          port: { name: "metrics", number: 9153 },
        }),
        "coredns_forward_requests_total",
        { to: "10.0.0.2:53", proto: "udp" },
      );
    const forwardA = corednsOn(nodeA, "10.0.1.77");
    const forwardB = corednsOn(nodeB, "10.0.2.78");
    if (!forwardA || !forwardB)
      throw new Error("the CoreDNS series were dropped by the scrape configuration");
    // The rules under test with their annotations left out (their text is tested elsewhere): expr, for, labels as shipped.
    const rules = parse(readRepoFile("infra/alert-rules.yaml")) as { groups: { rules: JsonObject[] }[] };
    for (const group of rules.groups) for (const rule of group.rules) delete rule.annotations;
    writeFileSync(join(dir, "rules.yaml"), stringify(rules));
    const test = {
      rule_files: ["rules.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            { series: selector("node_ethtool_linklocal_allowance_exceeded", drops), values: "0+600x20" },
            { series: selector("node_ethtool_linklocal_allowance_exceeded", quiet), values: "0x20" },
            { series: selector("coredns_forward_requests_total", forwardA), values: "0+49152x20" },
            { series: selector("coredns_forward_requests_total", forwardB), values: "0+49152x20" },
          ],
          alert_rule_test: [
            {
              eval_time: "10m",
              alertname: "LinkLocalAllowanceExceeded",
              exp_alerts: [{ exp_labels: { ...drops, severity: "critical" } }],
            },
            {
              eval_time: "10m",
              alertname: "LinkLocalSentinelHeartbeat",
              exp_alerts: [{ exp_labels: { cluster: CLUSTER, severity: "none" } }],
            },
            {
              eval_time: "15m",
              alertname: "LinkLocalAllowanceHeadroomLow",
              exp_alerts: [{ exp_labels: { cluster: CLUSTER, node: nodeB, severity: "warning" } }],
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, "scrape.test.yaml"), stringify(test));
    const result = await tool(["test", "rules", "scrape.test.yaml"], dir);
    expect(result.output).toMatch(/SUCCESS/);
    expect(result.code).toBe(0);
  });
});
