import { vi } from "vitest";

export interface CapturedOutput {
  /** Everything written to stdout, stderr and the console since capture began. */
  text(): string;
  restore(): void;
}

/**
 * Records every byte the process logs: the Powertools logger writes to process.stdout/stderr through its own
 * Console, libraries warn through the global console. Output is swallowed while captured.
 */
export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const keep = (chunk: unknown) => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
    return true;
  };
  const spies = [
    vi.spyOn(process.stdout, "write").mockImplementation(keep),
    vi.spyOn(process.stderr, "write").mockImplementation(keep),
    ...(["log", "info", "warn", "error", "debug", "trace"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        chunks.push(args.map((arg) => (typeof arg === "string" ? arg : safeJson(arg))).join(" "));
      }),
    ),
  ];
  return {
    text: () => chunks.join("\n"),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ""}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Message, stack and the whole cause chain of a thrown value, as text to search for secrets. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      parts.push(String(current), current.stack ?? "", safeJson({ ...current }));
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join("\n");
}
