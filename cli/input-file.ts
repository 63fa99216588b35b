import { open, stat } from "node:fs/promises";
import { errorMessage, InputError } from "../shared/errors.ts";

/**
 * The largest file `replay` reads. One SNS message is at most 256 KiB, and a saved Lambda event or a
 * collection of messages a few of them; a bigger file is not a message (a log dump, /dev/zero) and reading it
 * whole would take the machine's memory.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/**
 * Reads a saved message: regular files only (a FIFO with no writer would hang, /dev/zero never ends), at most
 * `maxBytes` (checked before and while reading, for a file that grows), as UTF-8.
 */
export async function readInputFile(path: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw new InputError(`cannot read ${path}: ${errorMessage(error)}`);
  }
  if (!info.isFile()) {
    throw new InputError(
      `${path} is not a regular file (${kindOf(info)}): replay reads messages saved in files`,
    );
  }
  if (info.size > maxBytes) throw tooLarge(path, maxBytes);
  const file = await open(path, "r");
  try {
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(path, maxBytes);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    await file.close();
  }
}

function tooLarge(path: string, maxBytes: number): InputError {
  return new InputError(`${path} is larger than ${maxBytes / 1024 / 1024} MiB: not a saved alert message`);
}

function kindOf(info: Awaited<ReturnType<typeof stat>>): string {
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isSocket()) return "a socket";
  return "not a file";
}

// Terminal control: C0 except tab and newline, DEL and C1 (ESC [ ... sequences recolour or rewrite the screen).
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Human-readable output with the characters a label could use to drive the terminal removed. */
export function forTerminal(text: string): string {
  return text.replace(TERMINAL_CONTROL, "");
}
