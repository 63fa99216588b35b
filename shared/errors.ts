/**
 * One base error for the product. Subclasses set `name` and keep the underlying failure as `cause`;
 * messages say where things went wrong and never carry secrets.
 */
export class SentinelError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SentinelError";
  }
}

/** A configuration variable is missing or invalid; raised at cold start so the function fails fast. */
export class ConfigError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** Input that is not what it claims to be (a CLI file, an SNS event). */
export class InputError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InputError";
  }
}

/** The message of any thrown value, for one-line reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
