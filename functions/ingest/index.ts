import { SNSClient } from "@aws-sdk/client-sns";
import { readIngestConfig } from "../../shared/config/ingest-config.ts";
import { ingestSnsEvent, withoutEnrichment } from "../../shared/ingest/index.ts";

// Read once per cold start: a bad variable fails the first invocation loudly instead of every alert quietly.
const config = readIngestConfig(process.env);
const sns = new SNSClient({ requestHandler: { requestTimeout: 5_000, connectionTimeout: 2_000 } });

export const handler = async (event: unknown) =>
  ingestSnsEvent(event, {
    sns,
    internalTopicArn: config.internalTopicArn,
    clusterLabel: config.clusterLabel,
    enrich: withoutEnrichment,
    route: () => ["slack"],
  });
