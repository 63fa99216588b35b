import { ConfigError } from "../errors.ts";

/**
 * Typed readers over an environment map. Every module reads its own variables through these so a bad
 * value fails at start-up with the variable's name in the message.
 */
export type Env = Record<string, string | undefined>;

export function readString(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

export function readRequired(env: Env, name: string): string {
  const value = readString(env, name);
  if (value === undefined) throw new ConfigError(`${name} is required but not set`);
  return value;
}

export function readInt(
  env: Env,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  const text = readString(env, name);
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text)) throw new ConfigError(`${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (bounds.min !== undefined && value < bounds.min)
    throw new ConfigError(`${name} must be >= ${bounds.min}, got ${value}`);
  if (bounds.max !== undefined && value > bounds.max)
    throw new ConfigError(`${name} must be <= ${bounds.max}, got ${value}`);
  return value;
}

export function readEnum<const T extends readonly string[]>(
  env: Env,
  name: string,
  allowed: T,
  fallback: T[number],
): T[number] {
  const text = readString(env, name);
  if (text === undefined) return fallback;
  if (!allowed.includes(text))
    throw new ConfigError(`${name} must be one of ${allowed.join(", ")}; got "${text}"`);
  return text as T[number];
}

export function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const text = readString(env, name)?.toLowerCase();
  if (text === undefined) return fallback;
  if (["1", "true", "yes", "on"].includes(text)) return true;
  if (["0", "false", "no", "off"].includes(text)) return false;
  throw new ConfigError(`${name} must be true or false, got "${text}"`);
}
