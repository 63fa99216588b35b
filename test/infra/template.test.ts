import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readScaleConfig } from "../../shared/scale/index.ts";
import { readSecretSource, SecretStore, SLACK_WEBHOOK_URL_SECRET } from "../../shared/secrets/index.ts";
import {
  entryPoint,
  environmentOf,
  isObject,
  type Json,
  type JsonObject,
  loadTemplate,
  PSEUDO_PARAMETERS,
  repoRoot,
  resolveEnvironment,
  serverlessFunctions,
  subReferences,
  walk,
} from "../support/infra-template.ts";

const template = loadTemplate();
const functions = serverlessFunctions(template);
const parameterNames = new Set(Object.keys(template.Parameters));
const resourceNames = new Set(Object.keys(template.Resources));
const conditionNames = new Set(Object.keys(template.Conditions));
const pseudo = new Set<string>(PSEUDO_PARAMETERS);

function resource(id: string) {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id} in the template`);
  return found;
}

/** Resources and outputs with the condition each is created under (null: always). */
const owners: { where: string; condition: string | null; body: Json }[] = [
  ...Object.entries(template.Resources).map(([id, resource]) => ({
    where: `Resources.${id}`,
    condition: resource.Condition ?? null,
    body: resource as unknown as Json,
  })),
  ...Object.entries(template.Outputs).map(([id, output]) => ({
    where: `Outputs.${id}`,
    condition: output.Condition ?? null,
    body: output as unknown as Json,
  })),
  { where: "Globals.Function", condition: null, body: template.Globals.Function },
];

/** A `Ref`, `Fn::GetAtt` or `${...}` in `Fn::Sub`, with where it is and the Fn::If conditions guarding it. */
interface Reference {
  where: string;
  owner: string | null;
  guards: string[];
  name: string;
  attribute: string | null;
}

function references(): Reference[] {
  const found: Reference[] = [];
  for (const { where, condition, body } of owners) {
    for (const { node, guards } of walk(body)) {
      const at = { where, owner: condition, guards };
      if (typeof node.Ref === "string") found.push({ ...at, name: node.Ref, attribute: null });
      const getAtt = node["Fn::GetAtt"];
      if (Array.isArray(getAtt)) found.push({ ...at, name: String(getAtt[0]), attribute: String(getAtt[1]) });
      if (node["Fn::Sub"] !== undefined)
        for (const ref of subReferences(node["Fn::Sub"])) found.push({ ...at, ...ref });
    }
  }
  return found;
}

function conditionsUsed(): { where: string; name: string }[] {
  const used: { where: string; name: string }[] = [];
  for (const { where, condition, body } of owners) {
    if (condition !== null) used.push({ where, name: condition });
    for (const { node } of walk(body)) {
      const branches = node["Fn::If"];
      if (Array.isArray(branches)) used.push({ where, name: String(branches[0]) });
    }
  }
  for (const [name, body] of Object.entries(template.Conditions)) {
    for (const { node } of walk(body)) {
      if (typeof node.Condition === "string")
        used.push({ where: `Conditions.${name}`, name: node.Condition });
    }
  }
  return used;
}

/** Conditions a condition implies through `Fn::And` and `Condition` aliases (itself included). */
function implied(name: string): Set<string> {
  const result = new Set([name]);
  const body = template.Conditions[name];
  if (isObject(body) && typeof body.Condition === "string")
    for (const c of implied(body.Condition)) result.add(c);
  const and = isObject(body) ? body["Fn::And"] : null;
  if (Array.isArray(and))
    for (const part of and)
      if (isObject(part) && typeof part.Condition === "string")
        for (const c of implied(part.Condition)) result.add(c);
  // A condition holds wherever one of the conditions it ORs holds (HasSingleCluster implies HasEksCluster).
  for (const [other, otherBody] of Object.entries(template.Conditions)) {
    const or = isObject(otherBody) ? otherBody["Fn::Or"] : null;
    if (Array.isArray(or) && or.some((part) => isObject(part) && part.Condition === name))
      for (const c of implied(other)) result.add(c);
  }
  return result;
}

/**
 * Where a function's failed events end: the on-failure destination of an SNS-invoked function, or the
 * dead-letter queue of the queue that triggers an SQS-invoked one.
 */
function failureQueueOf(fn: (typeof functions)[number]): string {
  const invoke = fn.properties.EventInvokeConfig as JsonObject | undefined;
  if (invoke) {
    const onFailure = (invoke.DestinationConfig as JsonObject).OnFailure as JsonObject;
    expect(onFailure.Type).toBe("SQS");
    return ((onFailure.Destination as JsonObject)["Fn::GetAtt"] as string[])[0] as string;
  }
  const sqsEvent = Object.values((fn.properties.Events ?? {}) as JsonObject).find(
    (event) => isObject(event) && event.Type === "SQS",
  ) as JsonObject;
  const queueId = (((sqsEvent.Properties as JsonObject).Queue as JsonObject)["Fn::GetAtt"] as string[])[0];
  const redrive = template.Resources[queueId as string]?.Properties.RedrivePolicy as JsonObject;
  return ((redrive.deadLetterTargetArn as JsonObject)["Fn::GetAtt"] as string[])[0] as string;
}

describe("infra/template.yaml", () => {
  it("is a SAM template", () => {
    expect((template as unknown as JsonObject).Transform).toBe("AWS::Serverless-2016-10-31");
    expect(functions.map((f) => f.logicalId).sort()).toEqual([
      "IngestFunction",
      "NotifyPagerDutyFunction",
      "NotifySlackFunction",
      "ScaleCorednsFunction",
      "VerifyDropsFunction",
    ]);
  });

  it("builds every function through its Makefile target from an entry point that exists", () => {
    for (const fn of functions) {
      const entry = entryPoint(fn);
      expect(existsSync(join(repoRoot, entry)), `${fn.logicalId}: ${entry}`).toBe(true);
      expect(fn.metadata.BuildMethod).toBe("makefile");
      expect(fn.properties.Handler).toBe("index.handler");
    }
  });

  it("reads source maps only when SourceMaps=on (they cost time and memory at each cold start)", () => {
    expect(template.Parameters.SourceMaps?.Default).toBe("off");
    for (const fn of functions) {
      const env = environmentOf(template, fn);
      expect(resolveEnvironment(template, env, {}).NODE_OPTIONS).toBeUndefined();
      expect(resolveEnvironment(template, env, { SourceMaps: "on" }).NODE_OPTIONS).toBe(
        "--enable-source-maps",
      );
    }
  });

  it("has the verifier follow the scaler's reports exactly when the scaler publishes one for every group routed to it", () => {
    const verify = functions.find((f) => f.logicalId === "VerifyDropsFunction");
    if (!verify) throw new Error("no VerifyDropsFunction");
    const follows = (parameters: Record<string, string>) =>
      resolveEnvironment(template, environmentOf(template, verify), parameters).VERIFY_FOLLOWS_SCALE_REPORTS;
    // No cluster: no scaler. Mode off: the scaler publishes nothing. Otherwise a report follows every group.
    expect(follows({ EksClusterName: "", CorednsScaleMode: "on" })).toBe("false");
    expect(follows({ EksClusterName: "prod", CorednsScaleMode: "off" })).toBe("false");
    expect(follows({ EksClusterName: "prod", CorednsScaleMode: "dry-run" })).toBe("true");
    expect(follows({ EksClusterName: "prod", CorednsScaleMode: "on" })).toBe("true");
    expect(readScaleConfig({ COREDNS_SCALE_MODE: "off" }).mode).toBe("off");
  });

  it("resolves CodeUri to the repo root so esbuild finds shared/", () => {
    const codeUri = String(template.Globals.Function.CodeUri);
    expect(join(repoRoot, "infra", codeUri)).toBe(repoRoot);
    for (const fn of functions) expect(fn.properties.CodeUri).toBeUndefined();
  });

  it("runs nodejs22.x on arm64", () => {
    expect(template.Globals.Function.Runtime).toBe("nodejs22.x");
    expect(template.Globals.Function.Architectures).toEqual(["arm64"]);
    for (const fn of functions) {
      expect(fn.properties.Runtime ?? "nodejs22.x").toBe("nodejs22.x");
      expect(fn.properties.Architectures ?? ["arm64"]).toEqual(["arm64"]);
    }
  });

  it("refers only to parameters, resources and pseudo parameters that exist", () => {
    const refs = references();
    expect(refs.length).toBeGreaterThan(40);
    const dangling = refs.filter((ref) =>
      ref.attribute === null
        ? !parameterNames.has(ref.name) && !resourceNames.has(ref.name) && !pseudo.has(ref.name)
        : !resourceNames.has(ref.name),
    );
    expect(dangling).toEqual([]);
  });

  it("uses only conditions it defines", () => {
    const used = conditionsUsed();
    expect(used.filter((c) => !conditionNames.has(c.name))).toEqual([]);
    const unused = [...conditionNames].filter((name) => !used.some((c) => c.name === name));
    expect(unused).toEqual([]);
  });

  it("refers to a conditional resource only under its condition (else CloudFormation rejects the stack)", () => {
    const unguarded = references().filter((ref) => {
      const target = template.Resources[ref.name];
      if (!target?.Condition) return false;
      const held = new Set([
        ...(ref.owner ? implied(ref.owner) : []),
        ...ref.guards.flatMap((g) => [...implied(g)]),
      ]);
      return !held.has(target.Condition);
    });
    expect(unguarded).toEqual([]);
  });

  it("gives every function its own role, log group with retention, and failure queue", () => {
    for (const fn of functions) {
      const role = (fn.properties.Role as JsonObject)["Fn::GetAtt"] as string[];
      expect(template.Resources[role[0] as string]?.Type).toBe("AWS::IAM::Role");
      const logGroupId = ((fn.properties.LoggingConfig as JsonObject).LogGroup as JsonObject).Ref as string;
      const logGroup = template.Resources[logGroupId];
      expect(logGroup?.Type).toBe("AWS::Logs::LogGroup");
      expect(logGroup?.Properties.RetentionInDays).toEqual({ Ref: "LogRetentionDays" });
      const queueId = failureQueueOf(fn);
      expect(template.Resources[queueId]?.Type).toBe("AWS::SQS::Queue");
      for (const resourceId of [role[0], logGroupId, queueId])
        expect(template.Resources[resourceId as string]?.Condition ?? null).toBe(fn.condition);
    }
    const roles = functions.map((fn) => JSON.stringify(fn.properties.Role));
    expect(new Set(roles).size).toBe(functions.length);
  });

  it("alarms on final failures of every function and queue, never on Errors that a retry may fix", () => {
    const alarms = Object.values(template.Resources).filter((r) => r.Type === "AWS::CloudWatch::Alarm");
    const alarmed = (metric: string, dimension: string) =>
      alarms
        .filter((a) => a.Properties.MetricName === metric)
        .map((a) => {
          expect(a.Properties).toMatchObject({ ComparisonOperator: "GreaterThanThreshold", Threshold: 0 });
          const dims = a.Properties.Dimensions as JsonObject[];
          expect(dims[0]?.Name).toBe(dimension);
          const value = dims[0]?.Value as JsonObject;
          return String(value.Ref ?? (value["Fn::GetAtt"] as string[])[0]);
        })
        .sort();
    const failureQueues = functions.map(failureQueueOf).sort();
    const functionIds = functions.map((f) => f.logicalId).sort();
    expect(alarmed("ApproximateNumberOfMessagesVisible", "QueueName")).toEqual(failureQueues);
    // Every queue is a failure queue but the verify queue, whose messages wait their delay there by design.
    const queues = Object.entries(template.Resources).filter(([, r]) => r.Type === "AWS::SQS::Queue");
    expect(queues.map(([id]) => id).filter((id) => !failureQueues.includes(id))).toEqual(["VerifyQueue"]);
    // Async invocations (SNS) can fail to a destination or be dropped; an SQS-triggered function cannot.
    const asyncIds = functions.filter((f) => f.properties.EventInvokeConfig).map((f) => f.logicalId);
    expect(asyncIds).toHaveLength(functionIds.length - 1);
    for (const metric of ["DestinationDeliveryFailures", "AsyncEventsDropped"])
      expect(alarmed(metric, "FunctionName")).toEqual(asyncIds.sort());
    expect(alarmed("Throttles", "FunctionName")).toEqual(functionIds);
    // An invocation that fails and succeeds on Lambda's retry counts in Errors: no alarm pages on it.
    expect(alarmed("Errors", "FunctionName")).toEqual([]);
  });

  it("sends every alarm somewhere: the given topic, or one created for an e-mail; neither is refused", () => {
    const alarms = Object.values(template.Resources).filter((r) => r.Type === "AWS::CloudWatch::Alarm");
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([
        { "Fn::If": ["CreateAlarmTopic", { Ref: "AlarmTopic" }, { Ref: "AlarmTopicArn" }] },
      ]);
    }
    expect(template.Resources.AlarmTopic).toMatchObject({
      Condition: "CreateAlarmTopic",
      Properties: { Subscription: [{ Protocol: "email", Endpoint: { Ref: "AlarmEmail" } }] },
    });
    const rules = (template as unknown as { Rules: JsonObject }).Rules;
    const assertion = ((rules.AlarmTarget as JsonObject).Assertions as JsonObject[])[0];
    expect(JSON.stringify(assertion?.Assert)).toContain('"AlarmTopicArn"');
    expect(JSON.stringify(assertion?.Assert)).toContain('"AlarmEmail"');
  });

  it("creates the AMP topic only without an AmpTopicArn, and lets only AMP of this account publish", () => {
    expect(template.Conditions.CreateAmpTopic).toEqual({ "Fn::Equals": [{ Ref: "AmpTopicArn" }, ""] });
    expect(template.Resources.AmpTopic?.Condition).toBe("CreateAmpTopic");
    const policy = resource("AmpTopicPolicy");
    expect(policy.Condition).toBe("CreateAmpTopic");
    const [statement, ...others] = (policy.Properties.PolicyDocument as JsonObject).Statement as JsonObject[];
    expect(others).toEqual([]);
    expect(statement).toMatchObject({ Effect: "Allow", Principal: { Service: "aps.amazonaws.com" } });
    expect(statement?.Action).toContain("sns:Publish");
    const condition = statement?.Condition as JsonObject;
    expect(condition.StringEquals).toEqual({ "aws:SourceAccount": { Ref: "AWS::AccountId" } });
    const sourceArn = (condition.ArnLike as JsonObject)["aws:SourceArn"] as JsonObject;
    expect(sourceArn["Fn::If"]).toEqual([
      "HasAmpWorkspace",
      { Ref: "AmpWorkspaceArn" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax, not JavaScript
      { "Fn::Sub": "arn:${AWS::Partition}:aps:${AWS::Region}:${AWS::AccountId}:workspace/*" },
    ]);
    const ingestEvents = template.Resources.IngestFunction?.Properties.Events as JsonObject;
    expect(Object.values(ingestEvents)).toEqual([
      {
        Type: "SNS",
        Properties: { Topic: { "Fn::If": ["CreateAmpTopic", { Ref: "AmpTopic" }, { Ref: "AmpTopicArn" }] } },
      },
    ]);
  });

  it("keeps the idempotency table in the layout Powertools expects", () => {
    const table = template.Resources.IdempotencyTable?.Properties as JsonObject;
    expect(table.BillingMode).toBe("PAY_PER_REQUEST");
    expect(table.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(table.AttributeDefinitions).toEqual([{ AttributeName: "id", AttributeType: "S" }]);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: "expiration", Enabled: true });
  });

  it("maps the ingest role to the readers group, and the scaler's to readers and scalers, when one cluster is named (a fleet's come from infra/member-account.yaml)", () => {
    const entries = Object.values(template.Resources).filter((r) => r.Type === "AWS::EKS::AccessEntry");
    expect(entries).toHaveLength(2);
    const byRole = Object.fromEntries(
      entries.map((entry) => [
        (entry.Properties.PrincipalArn as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0],
        entry,
      ]),
    );
    for (const [role, groups] of [
      ["IngestRole", ["linklocal-sentinel-readers"]],
      ["ScaleCorednsRole", ["linklocal-sentinel-readers", "linklocal-sentinel-scalers"]],
    ] as const) {
      expect(byRole[role]).toMatchObject({
        Condition: "HasSingleCluster",
        Properties: { ClusterName: { Ref: "EksClusterName" }, Type: "STANDARD", KubernetesGroups: groups },
      });
      expect(byRole[role]?.Properties.AccessPolicies).toBeUndefined();
    }
  });

  it("declares every parameter with a description, and no default that looks like a secret", () => {
    const secretLooking = [
      /hooks\.slack\.com/i,
      /xox[abpr]-/i,
      /\b[a-z0-9]{32}\b/i,
      /^(?!arn:|\/|https:\/\/events\.pagerduty\.com)\S{20,}$/,
    ];
    for (const [name, parameter] of Object.entries(template.Parameters)) {
      expect(String(parameter.Description ?? ""), name).not.toBe("");
      const fallback = String(parameter.Default ?? "");
      for (const pattern of secretLooking)
        expect(pattern.test(fallback), `${name} default ${fallback}`).toBe(false);
    }
  });

  it("asks for exactly one Slack mode: a webhook, or a bot token with its channel", () => {
    const rules = (template as unknown as { Rules: Record<string, JsonObject> }).Rules;
    const mode = JSON.stringify(rules.SlackMode);
    for (const name of ["SlackWebhookSecret", "SlackBotTokenSecret"]) {
      expect(template.Parameters[name]?.Default).toBe("");
      expect(mode).toContain(`{"Ref":"${name}"}`);
    }
    expect(JSON.stringify(rules.SlackAppNeedsChannel)).toContain('{"Ref":"SlackChannel"}');
    const channel = new RegExp(String(template.Parameters.SlackChannel?.AllowedPattern));
    for (const id of ["C0123ABCD", "G0PRIVATE12"]) expect(channel.test(id), id).toBe(true);
    for (const name of ["#alerts", "alerts", "c0123abcd"]) expect(channel.test(name), name).toBe(false);
    // The alarm on Slack's refusals, under app mode, reads the failed deliveries notify-slack counts.
    const alarm = template.Resources.SlackAppDeliveryFailuresAlarm;
    expect(alarm?.Condition).toBe("SlackAppMode");
    expect(alarm?.Properties.Dimensions).toEqual([
      { Name: "service", Value: "linklocal-sentinel" },
      { Name: "sink", Value: "slack" },
      { Name: "outcome", Value: "failed" },
    ]);
  });

  it("admits secret references and refuses secret values in the secret parameters", () => {
    for (const name of ["SlackWebhookSecret", "SlackBotTokenSecret", "PagerDutyRoutingKeySecret"]) {
      const pattern = new RegExp(String(template.Parameters[name]?.AllowedPattern));
      expect(pattern.test("xoxb-1111111111-2222222222-abcdefABCDEF0123456789")).toBe(false);
      expect(
        pattern.test("arn:aws:secretsmanager:eu-west-1:111122223333:secret:linklocal/slack-AbCdEf"),
      ).toBe(true);
      expect(pattern.test("/linklocal-sentinel/slack-webhook")).toBe(true);
      expect(pattern.test("https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX")).toBe(false);
      expect(pattern.test("0123456789abcdef0123456789abcdef")).toBe(false);
    }
  });

  it("makes the Select/Split condition pick the store the code reads from, for every admitted reference", () => {
    expect(template.Conditions.SlackSecretInSsm).toEqual({
      "Fn::Equals": [{ "Fn::Select": [0, { "Fn::Split": ["/", { Ref: "SlackWebhookSecret" }] }] }, ""],
    });
    // CloudFormation's Fn::Split + Fn::Select [0] + Fn::Equals "" on the parameter value.
    const grantsSsm = (reference: string) => reference.split("/")[0] === "";
    const admitted = new RegExp(String(template.Parameters.SlackWebhookSecret?.AllowedPattern));
    const references = [
      "/linklocal/slack",
      "/a",
      "arn:aws:secretsmanager:eu-west-1:111122223333:secret:linklocal/slack-AbCdEf",
      "arn:aws-us-gov:secretsmanager:us-gov-west-1:111122223333:secret:slack-AbCdEf",
    ];
    for (const reference of references) {
      expect(admitted.test(reference), reference).toBe(true);
      const source = readSecretSource({ SLACK_WEBHOOK_SECRET: reference }, SLACK_WEBHOOK_URL_SECRET);
      expect(source.store === SecretStore.ssm, reference).toBe(grantsSsm(reference));
    }
  });

  it("outputs the topics, function names, failure queue URLs and role ARNs", () => {
    const outputs = Object.keys(template.Outputs);
    for (const name of ["AmpTopicArn", "InternalTopicArn", "IngestRoleArn", "IdempotencyTableName"])
      expect(outputs).toContain(name);
    for (const fn of functions) expect(outputs).toContain(`${fn.logicalId}Name`);
    for (const id of functions.map(failureQueueOf)) expect(outputs).toContain(`${id}Url`);
  });
});
