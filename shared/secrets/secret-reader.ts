import { type Env, readInt } from "../config/env.ts";
import { ConfigError } from "../errors.ts";
import { SecretUnavailableError } from "./errors.ts";
import { createSecretProviders, type SecretProviders } from "./secret-providers.ts";
import {
  describeSecretSource,
  insideLambda,
  readSecretSource,
  type SecretSource,
  SecretStore,
} from "./secret-source.ts";
import type { SecretSpec } from "./secret-spec.ts";
import { extractSecretValue } from "./secret-value.ts";

export const DEFAULT_SECRETS_MAX_AGE_SECONDS = 300;

export interface SecretReader {
  readonly source: SecretSource;
  /** The secret's value; stored secrets are cached for the max age, so rotation is picked up without a deploy. */
  get(): Promise<string>;
}

export interface SecretReaderOptions {
  maxAgeSeconds?: number;
  providers?: SecretProviders;
}

/** How long a stored secret is cached (SECRETS_MAX_AGE_SECONDS, default 300; 0 reads it on every call). */
export function readSecretsMaxAge(env: Env): number {
  return readInt(env, "SECRETS_MAX_AGE_SECONDS", DEFAULT_SECRETS_MAX_AGE_SECONDS, { min: 0, max: 86_400 });
}

/**
 * Checks the configuration now (call it at cold start so a missing variable fails fast) and reads the value
 * on `get()`.
 */
export function secretReaderFromEnv(
  env: Env,
  spec: SecretSpec,
  options: SecretReaderOptions = {},
): SecretReader {
  const source = readSecretSource(env, spec);
  const reader = createSecretReader(source, spec, {
    maxAgeSeconds: options.maxAgeSeconds ?? readSecretsMaxAge(env),
    providers: options.providers ?? createSecretProviders(),
  });
  if (!spec.isUrl || !insideLambda(env)) return reader;
  return {
    source,
    async get() {
      const value = await reader.get();
      if (!/^https:\/\//i.test(value.trim())) {
        throw new ConfigError(
          `the ${spec.description} named by ${source.variable} is not an https:// URL; inside Lambda it is refused (plain http would send the secret in clear)`,
        );
      }
      return value;
    },
  };
}

export function createSecretReader(
  source: SecretSource,
  spec: SecretSpec,
  options: { maxAgeSeconds: number; providers: SecretProviders },
): SecretReader {
  if (source.store === SecretStore.plain) {
    const value = source.value;
    return { source, get: async () => value };
  }
  const variable = source.variable;
  const reference = source.reference;
  const fetchStored = async (): Promise<string | Uint8Array | undefined> =>
    source.store === SecretStore.ssm
      ? (await options.providers.ssm()).get(reference, { maxAge: options.maxAgeSeconds, decrypt: true })
      : (await options.providers.secretsManager()).get(reference, { maxAge: options.maxAgeSeconds });

  return {
    source,
    async get() {
      let stored: string | Uint8Array | undefined;
      try {
        stored = await fetchStored();
      } catch (error) {
        throw new SecretUnavailableError(
          `could not read the ${spec.description} from ${describeSecretSource(source)}: ${sdkFailure(error)}`,
          { cause: error },
        );
      }
      if (stored === undefined) {
        throw new ConfigError(`the ${spec.description} in ${describeSecretSource(source)} has no value`);
      }
      return extractSecretValue(stored, spec, variable);
    },
  };
}

/** The SDK's error name and message (Powertools wraps it); these name the secret, never its value. */
function sdkFailure(error: unknown): string {
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (inner instanceof Error) return `${inner.name}: ${inner.message}`;
  return String(inner);
}
