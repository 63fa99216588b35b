// Preloaded with `node --import ./bench/max-rss.mjs ...`: writes the process's peak resident set size (KiB) to
// the file named by MAX_RSS_FILE when it exits. On Linux it is the kernel's VmHWM for this program alone:
// getrusage's maxRSS survives exec and so starts at the size of the process that spawned this one.
import { appendFileSync, readFileSync } from "node:fs";

function peakKiB() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS;
}

process.on("exit", () => {
  if (process.env.MAX_RSS_FILE) appendFileSync(process.env.MAX_RSS_FILE, `${peakKiB()}\n`);
});
