import { performance } from "node:perf_hooks";

export interface Measurement {
  name: string;
  bytes: number;
  opsPerSecond: number;
  mbPerSecond: number;
  meanMs: number;
}

/** Runs `fn` for about `budgetMs` after a warm-up and reports throughput. */
export function measure(name: string, input: string, fn: () => unknown, budgetMs = 400): Measurement {
  for (let i = 0; i < 5; i++) fn();
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    fn();
    runs++;
    elapsed = performance.now() - start;
  }
  const bytes = Buffer.byteLength(input, "utf8");
  const meanMs = elapsed / runs;
  return {
    name,
    bytes,
    opsPerSecond: 1000 / meanMs,
    mbPerSecond: bytes / 1024 / 1024 / (meanMs / 1000),
    meanMs,
  };
}

export function printTable(title: string, rows: Measurement[]): void {
  console.log(`\n${title}`);
  const baseline = rows[0];
  for (const r of rows) {
    const ratio = baseline && r !== baseline ? `  x${(r.meanMs / baseline.meanMs).toFixed(1)} baseline` : "";
    console.log(
      `  ${r.name.padEnd(36)} ${(r.bytes / 1024).toFixed(0).padStart(5)} KiB  ${r.meanMs.toFixed(2).padStart(8)} ms/msg  ${r.opsPerSecond.toFixed(0).padStart(6)} msg/s  ${r.mbPerSecond.toFixed(1).padStart(6)} MiB/s${ratio}`,
    );
  }
}
