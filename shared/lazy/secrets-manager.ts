// Imported only when a secret lives in Secrets Manager. Our own ESM module re-exporting the CommonJS packages:
// a split import() of a CommonJS package exposes only `default` (esbuild issue 3245, "n is not a constructor").
export { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
export { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
