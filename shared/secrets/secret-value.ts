import { ConfigError } from "../errors.ts";
import type { SecretSpec } from "./secret-spec.ts";

/**
 * The usable value of a stored secret: the whole (trimmed) string, or, when it is a JSON object, the first of
 * the spec's keys holding a non-empty string. Errors name the variable, never the content: JSON.parse messages
 * quote the input, so they are not passed on.
 */
export function extractSecretValue(stored: string | Uint8Array, spec: SecretSpec, variable: string): string {
  const text = (typeof stored === "string" ? stored : new TextDecoder().decode(stored)).trim();
  if (text === "") throw new ConfigError(`the secret named by ${variable} is empty`);
  if (!text.startsWith("{")) return text;

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError(`the secret named by ${variable} starts with "{" but is not valid JSON`);
  }
  if (typeof parsed === "object" && parsed !== null) {
    for (const key of spec.jsonKeys) {
      const value = (parsed as Record<string, unknown>)[key];
      if (typeof value === "string" && value.trim() !== "") return value.trim();
    }
  }
  throw new ConfigError(
    `the secret named by ${variable} is JSON without a non-empty string under ${spec.jsonKeys.map((key) => `"${key}"`).join(" or ")}`,
  );
}
