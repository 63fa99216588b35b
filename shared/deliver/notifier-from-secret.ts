import type { SecretReader } from "../secrets/index.ts";
import type { Notifier } from "./notifier.ts";

/**
 * Reads the secret on every call (the reader caches it for SECRETS_MAX_AGE_SECONDS) and builds the notifier
 * again only when the value changed, i.e. after a rotation.
 */
export function notifierFromSecret<N extends Notifier>(
  secret: SecretReader,
  build: (secretValue: string) => N,
): () => Promise<N> {
  let built: { secretValue: string; notifier: N } | null = null;
  return async () => {
    const secretValue = await secret.get();
    if (built === null || built.secretValue !== secretValue)
      built = { secretValue, notifier: build(secretValue) };
    return built.notifier;
  };
}
