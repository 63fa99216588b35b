import { vi } from "vitest";

/**
 * The environment a handler under test starts with: Lambda's region, static test credentials, logs silenced,
 * plus the test's own variables. Undone by `vi.unstubAllEnvs()`.
 */
export function stubLambdaEnv(variables: Record<string, string>, region = "eu-west-1"): void {
  const all = {
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    POWERTOOLS_LOG_LEVEL: "SILENT",
    ...variables,
  };
  for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value);
}
