import { SNSClient } from "@aws-sdk/client-sns";
import type { Context } from "aws-lambda";
import { AwsCallBudgets, awsClientOptions } from "../../shared/aws/client-options.ts";
import { readIngestConfig } from "../../shared/config/ingest-config.ts";
import { readClusterMap } from "../../shared/fleet/read-cluster-map.ts";
import { publishFollowUp, SnsPublisher } from "../../shared/ingest/index.ts";
import { logger } from "../../shared/logger.ts";
import { eksScaleConnector, readScaleConfig, scaleSnsEvent } from "../../shared/scale/index.ts";

// Read once per cold start: a bad COREDNS_* variable fails the first invocation, naming the variable.
const config = readScaleConfig(process.env);
const cluster = readIngestConfig(process.env);
const sns = new SnsPublisher(() => new SNSClient(awsClientOptions(AwsCallBudgets.sns)));
const clusters = await readClusterMap(process.env, { region: cluster.region });
const connect = eksScaleConnector({ clusters, region: cluster.region, timeoutMs: cluster.kubeTimeoutMs });

export const handler = async (event: unknown, context: Context) => {
  logger.addContext(context);
  return scaleSnsEvent(event, {
    config,
    connect,
    publish: (report) => publishFollowUp(sns, cluster.internalTopicArn, report),
    logger,
  });
};
