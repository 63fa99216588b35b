// Writes samples/*.json: realistic AMP deliveries for the demo, `replay`, `sam local invoke` and the tests.
// The alerts point at nodes of the seeded `colocatedOnSpot` simulated cluster, so enrichment finds them.
// Regenerate with `node --import tsx scripts/make-samples.ts` after changing the generator or the renderer.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  linkLocalGroup,
  renderAwsJsonTemplate,
  renderDefaultSubject,
  renderDefaultText,
  renderWebhookV4,
  snsLambdaEvent,
} from "../sim/alertmanager-messages.ts";
import { generateCluster } from "../sim/cluster-generator.ts";
import { FLEET_SCENARIO, SAMPLE_SCENARIO } from "../sim/scenarios.ts";

export function sampleFiles(): Record<string, unknown> {
  const cluster = generateCluster(SAMPLE_SCENARIO);
  const ipOf = (name: string) =>
    cluster.nodes
      .find((n) => n.metadata.name === name)
      ?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "0.0.0.0";
  const corednsNode = cluster.facts.corednsNodes[0] ?? "";
  const others = cluster.nodes
    .map((n) => n.metadata.name)
    .filter((n) => !cluster.facts.corednsNodes.includes(n));
  const throttled = [corednsNode, others[0] ?? "", others[1] ?? ""];
  const instance = (i: number) =>
    `${ipOf(throttled[i % throttled.length] ?? "")}:${cluster.facts.exporterPort}`;

  const firing = linkLocalGroup({ count: 3, cluster: cluster.name, instance });
  const edge = generateCluster(FLEET_SCENARIO);
  const fleet = linkLocalGroup({ count: 4, cluster: cluster.name, instance });
  fleet.groupLabels = { alertname: "LinkLocalAllowanceExceeded" };
  fleet.alerts.forEach((alert, i) => {
    if (i < 2) return;
    const node = edge.nodes[i]?.status?.addresses?.find((a) => a.type === "InternalIP")?.address ?? "";
    alert.labels.cluster = edge.name;
    alert.labels.instance = `${node}:${edge.facts.exporterPort}`;
  });
  const mixed = linkLocalGroup({ count: 2, cluster: cluster.name, resolvedCount: 1, instance });
  const resolved = linkLocalGroup({ count: 3, cluster: cluster.name, resolvedCount: 3, instance });

  return {
    "aws-json-template.json": snsLambdaEvent([
      {
        body: renderAwsJsonTemplate(firing),
        subject: renderDefaultSubject(firing),
        messageId: "sample-json-template",
      },
    ]),
    "default-text.json": snsLambdaEvent([
      {
        body: renderDefaultText(mixed),
        subject: renderDefaultSubject(mixed),
        messageId: "sample-default-text",
      },
    ]),
    "fleet-two-clusters.json": snsLambdaEvent([
      {
        body: renderAwsJsonTemplate(fleet),
        subject: renderDefaultSubject(fleet),
        messageId: "sample-fleet",
      },
    ]),
    "key-value.json": snsLambdaEvent([
      {
        body: `alert_type: LinkLocalAllowanceExceeded\nevent_type: <no value>\ncluster: ${cluster.name}\n`,
        subject: "[FIRING:3] LinkLocalAllowanceExceeded",
        messageId: "sample-key-value",
      },
    ]),
    "webhook-resolved.json": JSON.parse(renderWebhookV4(resolved)),
    "unreadable.json": snsLambdaEvent([
      {
        body: "Error - not a valid UTF-8 encoded string",
        attributes: { truncated: "true", modified: "Message: Error - not a valid UTF-8 encoded string" },
        messageId: "sample-unreadable",
      },
    ]),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = new URL("../samples/", import.meta.url).pathname;
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(sampleFiles())) {
    writeFileSync(join(dir, name), `${JSON.stringify(content, null, 2)}\n`);
    console.log(`samples/${name}`);
  }
}
