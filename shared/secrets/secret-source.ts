import { type Env, readString } from "../config/env.ts";
import { ConfigError } from "../errors.ts";
import type { SecretSpec } from "./secret-spec.ts";

export const SecretStore = { plain: "plain", secretsManager: "secrets-manager", ssm: "ssm" } as const;
export type SecretStore = (typeof SecretStore)[keyof typeof SecretStore];

/** Where a secret comes from. `reference` names a stored secret and is safe to log; a plain value is not. */
export type SecretSource =
  | { store: typeof SecretStore.plain; variable: string; value: string }
  | {
      store: typeof SecretStore.secretsManager | typeof SecretStore.ssm;
      variable: string;
      reference: string;
    };

const SSM_PREFIX = "ssm:";
const SSM_ARN = /^arn:aws[a-z-]*:ssm:/;

/**
 * Reads which of the two variables is set. A reference is an SSM parameter when it starts with `/` (a
 * parameter path), `ssm:` (stripped, for names without a leading slash) or is an SSM ARN; anything else is a
 * Secrets Manager secret name or ARN. Setting both variables, or neither, is a ConfigError naming them.
 */
export function readSecretSource(env: Env, spec: SecretSpec): SecretSource {
  const plain = readString(env, spec.plainVariable);
  const reference = readString(env, spec.referenceVariable);
  if (plain !== undefined && reference !== undefined) {
    throw new ConfigError(
      `${spec.plainVariable} and ${spec.referenceVariable} are both set; set only one (${spec.referenceVariable} in Lambda)`,
    );
  }
  if (plain !== undefined && insideLambda(env)) {
    throw new ConfigError(
      `${spec.plainVariable} is refused inside Lambda: a secret in the function's environment is readable by anyone ` +
        `allowed lambda:GetFunctionConfiguration; store the ${spec.description} in Secrets Manager or an SSM ` +
        `SecureString and set ${spec.referenceVariable} to its name`,
    );
  }
  if (plain !== undefined) return { store: SecretStore.plain, variable: spec.plainVariable, value: plain };
  if (reference === undefined) {
    throw new ConfigError(
      `the ${spec.description} is not configured: set ${spec.referenceVariable} (a Secrets Manager secret or an SSM SecureString holding it) or ${spec.plainVariable}`,
    );
  }
  if (reference.startsWith(SSM_PREFIX)) {
    const name = reference.slice(SSM_PREFIX.length).trim();
    if (name === "") throw new ConfigError(`${spec.referenceVariable} is "ssm:" without a parameter name`);
    return { store: SecretStore.ssm, variable: spec.referenceVariable, reference: name };
  }
  const store =
    reference.startsWith("/") || SSM_ARN.test(reference) ? SecretStore.ssm : SecretStore.secretsManager;
  return { store, variable: spec.referenceVariable, reference };
}

/** Lambda sets AWS_LAMBDA_FUNCTION_NAME in every function's environment; the CLI and tests run without it. */
export function insideLambda(env: Env): boolean {
  return readString(env, "AWS_LAMBDA_FUNCTION_NAME") !== undefined;
}

/** True when either variable of the secret is set: lets the CLI build only the sinks it can reach. */
export function isSecretConfigured(env: Env, spec: SecretSpec): boolean {
  return (
    readString(env, spec.plainVariable) !== undefined || readString(env, spec.referenceVariable) !== undefined
  );
}

/** A log-safe description: the variable and, for stored secrets, which store and name; never a value. */
export function describeSecretSource(source: SecretSource): string {
  if (source.store === SecretStore.plain) return `${source.variable} (plain value)`;
  const store = source.store === SecretStore.ssm ? "SSM parameter" : "Secrets Manager secret";
  return `${source.variable} (${store} ${source.reference})`;
}
