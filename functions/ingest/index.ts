import { SNSClient } from "@aws-sdk/client-sns";
import { AwsCallBudgets, awsClientOptions } from "../../shared/aws/client-options.ts";
import { loadEksModules } from "../../shared/cluster/eks-cluster.ts";
import { readIngestConfig } from "../../shared/config/ingest-config.ts";
import { createClusterFactsCache, readEnrichConfig } from "../../shared/enrich/index.ts";
import { readClusterMap } from "../../shared/fleet/read-cluster-map.ts";
import { clusterEnricher, eksConnector, ingestSnsEvent, SnsPublisher } from "../../shared/ingest/index.ts";
import { loadRoutes, routeGroup } from "../../shared/route/index.ts";

// Read once per cold start: a bad variable fails the first invocation loudly instead of every alert quietly.
const config = readIngestConfig(process.env);
// Top-level await: the RE2 engine is loaded only when ROUTES has a regex matcher.
const routes = await loadRoutes(process.env);
// CLUSTERS, CLUSTERS_PARAMETER or EKS_CLUSTER_NAME; a bad entry fails the cold start, naming it.
const clusters = await readClusterMap(process.env, { region: config.region });
// With clusters every group is enriched through EKS: its client loads during init, not in the first invocation.
if (clusters !== null) await loadEksModules();
const sns = new SnsPublisher(() => new SNSClient(awsClientOptions(AwsCallBudgets.sns)));
// Cluster-wide DNS facts (CoreDNS placement, node count) are reused across warm invocations
// (CLUSTER_FACTS_CACHE_SECONDS, default 60).
const enrich = clusterEnricher(
  eksConnector({ clusters, region: config.region, timeoutMs: config.kubeTimeoutMs }),
  {
    cache: createClusterFactsCache({ ttlMs: readEnrichConfig(process.env).clusterFactsTtlMs }),
    deadlineMs: config.enrichDeadlineMs,
  },
);

export const handler = async (event: unknown) =>
  ingestSnsEvent(event, {
    sns,
    internalTopicArn: config.internalTopicArn,
    clusterLabel: config.clusterLabel,
    enrich,
    route: (group) => routeGroup(routes, group),
  });
