import type { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import type { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { AwsCallBudgets, awsClientOptions } from "../aws/client-options.ts";

/**
 * Powertools providers, loaded and built on first use: a function reads from one store at most, and the SSM
 * client alone is ~200 KiB of bundled code, so the store that is not used is never evaluated at cold start.
 */
export interface SecretProviders {
  secretsManager(): Promise<SecretsProvider>;
  ssm(): Promise<SSMProvider>;
}

// Secrets are read on the notification path: a slow store must fail the invocation (and let Lambda retry)
// well before the function's own timeout.
const SDK_CLIENT_OPTIONS = awsClientOptions(AwsCallBudgets.secrets);

export function createSecretProviders(): SecretProviders {
  let secretsManager: Promise<SecretsProvider> | undefined;
  let ssm: Promise<SSMProvider> | undefined;
  return {
    secretsManager() {
      secretsManager ??= (async () => {
        const { SecretsProvider, SecretsManagerClient } = await import("../lazy/secrets-manager.ts");
        return new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(SDK_CLIENT_OPTIONS) });
      })();
      return secretsManager;
    },
    ssm() {
      ssm ??= (async () => {
        const { SSMProvider, SSMClient } = await import("../lazy/ssm.ts");
        return new SSMProvider({ awsSdkV3Client: new SSMClient(SDK_CLIENT_OPTIONS) });
      })();
      return ssm;
    },
  };
}
