import { performance } from "node:perf_hooks";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDeliveryGuard } from "../shared/idempotency/index.ts";
import { loadRegexEngine, parseRoutes, routeGroup } from "../shared/route/index.ts";
import { startDynalite } from "../test/support/dynalite.ts";

/**
 * Routing and exactly-once costs: how many DynamoDB calls each delivery outcome makes (the price of the
 * idempotency store per notification), and how fast a long ROUTES list decides, beside the default route.
 */

function countCalls(client: DynamoDBClient): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName ?? "?", (counts.get(context.commandName ?? "?") ?? 0) + 1);
      return next(args);
    },
    { step: "initialize", name: "benchCallCounter" },
  );
  return counts;
}

function describeCalls(counts: Map<string, number>): string {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  const parts = [...counts.entries()].map(([name, n]) => `${name.replace("Command", "")} ${n}`);
  return `${total} call${total === 1 ? "" : "s"} (${parts.join(", ") || "none"})`;
}

async function idempotencyCalls(): Promise<void> {
  const dynamo = await startDynalite();
  try {
    await dynamo.createIdempotencyTable("bench-idempotency");
    const counts = countCalls(dynamo.client);
    const guard = createDeliveryGuard(
      { tableName: "bench-idempotency", expiresAfterSeconds: 86_400 },
      { client: dynamo.client },
    );
    const send = async () => ({ sink: "slack" as const, requests: 1 });
    const fail = async (): Promise<never> => {
      throw new Error("sink down");
    };
    const measure = async (label: string, action: () => Promise<unknown>) => {
      counts.clear();
      await action().catch(() => undefined);
      console.log(`  ${label.padEnd(34)} ${describeCalls(counts)}`);
    };
    console.log("idempotency store (dynalite): DynamoDB calls per notification");
    await measure("first delivery", () => guard.deliverOnce({ sink: "slack", messageId: "m1" }, send));
    await measure("redelivery (skipped)", () => guard.deliverOnce({ sink: "slack", messageId: "m1" }, send));
    await measure("failed delivery (record removed)", () =>
      guard.deliverOnce({ sink: "slack", messageId: "m2" }, fail),
    );
    await measure("retry after failure", () => guard.deliverOnce({ sink: "slack", messageId: "m2" }, send));
  } finally {
    await dynamo.close();
  }
}

function routingSpeed(): void {
  const longRoutes = parseRoutes(
    [
      ...Array.from(
        { length: 19 },
        (_, i) => `team="team-${i}", cluster=~"prod-(eu|us)-[0-9]+" => pagerduty,slack`,
      ),
      'severity=~"critical|page", cluster=~"prod-.*" => pagerduty,slack',
      "default => slack",
    ].join("\n"),
  );
  const defaultOnly = parseRoutes("");
  const group = {
    commonLabels: {
      severity: "critical",
      cluster: "prod-eu-1",
      team: "dns",
      alertname: "LinkLocalAllowanceExceeded",
    },
    cluster: "prod-eu-1",
    alertname: "LinkLocalAllowanceExceeded",
    status: "firing" as const,
  };
  const rate = (routes: typeof longRoutes) => {
    const runs = 200_000;
    const start = performance.now();
    for (let i = 0; i < runs; i++) routeGroup(routes, group);
    return Math.round(runs / ((performance.now() - start) / 1000));
  };
  rate(longRoutes);
  console.log("routeGroup decisions per second (the matching rule is the 20th of 21)");
  console.log(
    `  21 rules: ${rate(longRoutes).toLocaleString("en-US")}/s   default only: ${rate(defaultOnly).toLocaleString("en-US")}/s`,
  );
}

export async function run(): Promise<void> {
  await idempotencyCalls();
  // The long ROUTES list holds regexes: load the engine as loadRoutes does for such a list.
  await loadRegexEngine();
  routingSpeed();
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
