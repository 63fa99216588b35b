// Imported only when a secret lives in SSM Parameter Store (the SSM client alone is about 200 KiB of bundle).
// Our own ESM module re-exporting the CommonJS packages, so code splitting keeps the named exports.
export { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
export { SSMClient } from "@aws-sdk/client-ssm";
