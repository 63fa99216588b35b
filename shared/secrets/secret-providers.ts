import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SSMClient } from "@aws-sdk/client-ssm";

/** Powertools providers, built on first use so a function that reads no stored secret creates no SDK client. */
export interface SecretProviders {
  secretsManager(): SecretsProvider;
  ssm(): SSMProvider;
}

// Secrets are read on the notification path: a slow store must fail the invocation (and let Lambda retry)
// well before the function's own timeout.
const SDK_CLIENT_OPTIONS = {
  requestHandler: { requestTimeout: 3_000, connectionTimeout: 1_000 },
  maxAttempts: 3,
} as const;

export function createSecretProviders(): SecretProviders {
  let secretsManager: SecretsProvider | undefined;
  let ssm: SSMProvider | undefined;
  return {
    secretsManager() {
      secretsManager ??= new SecretsProvider({
        awsSdkV3Client: new SecretsManagerClient(SDK_CLIENT_OPTIONS),
      });
      return secretsManager;
    },
    ssm() {
      ssm ??= new SSMProvider({ awsSdkV3Client: new SSMClient(SDK_CLIENT_OPTIONS) });
      return ssm;
    },
  };
}
