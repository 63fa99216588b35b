// Preloaded with `node --import ./bench/max-rss.mjs ...`: writes the process's peak resident set size (KiB,
// from the kernel's accounting) to the file named by MAX_RSS_FILE when it exits.
import { appendFileSync } from "node:fs";

process.on("exit", () => {
  if (process.env.MAX_RSS_FILE)
    appendFileSync(process.env.MAX_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
