export * from "./cluster-enricher.ts";
export * from "./eks-connector.ts";
export * from "./enrichment.ts";
export * from "./fit-to-sns.ts";
export * from "./ingest-message.ts";
export * from "./ingest-sns-event.ts";
export * from "./publish-group.ts";
export * from "./sns-input.ts";
