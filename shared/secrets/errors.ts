import { SentinelError } from "../errors.ts";

/** A stored secret could not be read (access denied, not found, throttled, timeout). The message names the
 *  variable and the reference, never a value. */
export class SecretUnavailableError extends SentinelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SecretUnavailableError";
  }
}
