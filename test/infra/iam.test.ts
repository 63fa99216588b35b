import { describe, expect, it } from "vitest";
import {
  INCIDENT_KEY_PREFIX,
  MESSAGE_KEY_PREFIX,
  PERMALINK_ATTRIBUTE,
} from "../../shared/deliver/slack-app/dynamo-incident-store.ts";
import { idempotencyKeyPrefixes, RESOLVE_TIMES_KEY_PREFIX } from "../../shared/idempotency/index.ts";
import {
  isObject,
  type Json,
  type JsonObject,
  loadTemplate,
  serverlessFunctions,
  walk,
} from "../support/infra-template.ts";

const template = loadTemplate();

interface Statement {
  role: string;
  sid: string;
  actions: string[];
  resources: Json[];
  statement: JsonObject;
}

/** Every statement of every role's inline policies, both branches of each Fn::If included. */
function statementsOf(roleId: string): Statement[] {
  const role = template.Resources[roleId];
  if (!role) throw new Error(`no role ${roleId}`);
  const found: Statement[] = [];
  for (const { node } of walk(role.Properties.Policies ?? null)) {
    if (node.Effect === undefined || node.Action === undefined) continue;
    const actions = (Array.isArray(node.Action) ? node.Action : [node.Action]).map(String);
    const resources = Array.isArray(node.Resource) ? node.Resource : [node.Resource ?? null];
    found.push({ role: roleId, sid: String(node.Sid ?? ""), actions, resources, statement: node });
  }
  return found;
}

const roleIds = Object.entries(template.Resources)
  .filter(([, r]) => r.Type === "AWS::IAM::Role")
  .map(([id]) => id);
const all = roleIds.flatMap(statementsOf);

/** AWS offers no resource-level permission for these, so they can only be granted on "*". */
const NEEDS_WILDCARD_RESOURCE = new Set([
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  // Lambda's VPC attachment (only with VpcSubnetIds): EC2 cannot scope describing network interfaces.
  "ec2:CreateNetworkInterface",
  "ec2:DescribeNetworkInterfaces",
  "ec2:DeleteNetworkInterface",
  "ec2:AssignPrivateIpAddresses",
  "ec2:UnassignPrivateIpAddresses",
]);

function refersTo(resource: Json, name: string): boolean {
  return [...walk(resource)].some(
    ({ node }) =>
      node.Ref === name ||
      (Array.isArray(node["Fn::GetAtt"]) && node["Fn::GetAtt"][0] === name) ||
      (typeof node["Fn::Sub"] === "string" && node["Fn::Sub"].includes(`\${${name}}`)),
  );
}

function actionsOf(roleId: string): Set<string> {
  return new Set(statementsOf(roleId).flatMap((s) => s.actions));
}

/** Fn::Sub with a variable map of Fn::Select/Fn::Split over parameters, as CloudFormation evaluates it. */
function evaluateSub(resource: Json, parameters: Record<string, string>): string {
  const pseudo: Record<string, string> = { "AWS::Partition": "aws", "AWS::AccountId": "111122223333" };
  const value = (node: Json): string => {
    if (typeof node === "string") return node;
    if (isObject(node) && typeof node.Ref === "string") return parameters[node.Ref] ?? pseudo[node.Ref] ?? "";
    if (isObject(node) && Array.isArray(node["Fn::Select"])) {
      const [index, list] = node["Fn::Select"] as [number, Json];
      const items = listOf(list);
      if (Number(index) >= items.length) throw new Error(`Fn::Select index ${index} out of ${items.length}`);
      return items[Number(index)] as string;
    }
    throw new Error(`cannot evaluate ${JSON.stringify(node)}`);
  };
  const listOf = (node: Json): string[] => {
    if (isObject(node) && Array.isArray(node["Fn::Split"])) {
      const [separator, text] = node["Fn::Split"] as [string, Json];
      return value(text).split(separator);
    }
    throw new Error(`cannot evaluate list ${JSON.stringify(node)}`);
  };
  if (!isObject(resource) || !Array.isArray(resource["Fn::Sub"]))
    throw new Error("not an Fn::Sub with variables");
  const [text, variables] = resource["Fn::Sub"] as [string, JsonObject];
  return text.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
    name in variables ? value(variables[name] as Json) : (pseudo[name] ?? parameters[name] ?? ""),
  );
}

describe("IAM in infra/template.yaml", () => {
  it("has one role per function and no managed policies (they grant Resource: *)", () => {
    expect(roleIds.sort()).toEqual([
      "IngestRole",
      "NotifyPagerDutyRole",
      "NotifySlackRole",
      "ScaleCorednsRole",
      "VerifyDropsRole",
    ]);
    for (const id of roleIds) expect(template.Resources[id]?.Properties.ManagedPolicyArns).toBeUndefined();
    for (const fn of serverlessFunctions(template)) expect(fn.properties.Policies).toBeUndefined();
  });

  it("never allows a wildcard action", () => {
    expect(all.length).toBeGreaterThan(10);
    for (const s of all)
      for (const action of s.actions)
        expect(action === "*" || action.endsWith(":*"), `${s.role} ${action}`).toBe(false);
  });

  it('grants Resource "*" only for the X-Ray and VPC-attachment actions that have no resource-level permissions', () => {
    const wildcard = all.filter((s) => s.resources.includes("*"));
    expect(wildcard.length).toBeGreaterThan(0);
    for (const s of wildcard) {
      expect(
        s.actions.every((a) => NEEDS_WILDCARD_RESOURCE.has(a)),
        `${s.role} ${s.sid}`,
      ).toBe(true);
      expect(s.resources).toEqual(["*"]);
    }
    for (const s of all.filter((x) => !x.resources.includes("*")))
      for (const r of s.resources) expect(r, `${s.role} ${s.sid} has no resource`).not.toBeNull();
  });

  it("keeps each role to its own job", () => {
    const ingest = actionsOf("IngestRole");
    for (const action of ["sns:Publish", "eks:DescribeCluster", "eks:DescribeAddon"])
      expect(ingest).toContain(action);
    for (const action of [...ingest].filter((a) => a !== "ssm:GetParameter"))
      expect(action).not.toMatch(/^(dynamodb|secretsmanager|ssm):/);
    // The one SSM read: the fleet's cluster map, when it lives in a parameter (CLUSTERS_PARAMETER).
    for (const statement of statementsOf("IngestRole").filter((s) => s.actions.includes("ssm:GetParameter")))
      for (const resource of statement.resources)
        expect(refersTo(resource, "ClustersParameterName"), JSON.stringify(resource)).toBe(true);
    for (const id of ["NotifySlackRole", "NotifyPagerDutyRole"]) {
      const actions = actionsOf(id);
      for (const action of actions) expect(action).not.toMatch(/^(eks|sns):/);
      expect(actions).toContain("dynamodb:PutItem");
    }
  });

  it("lets the ingest function publish only to the internal topic and describe only the named cluster", () => {
    const publish = statementsOf("IngestRole").filter((s) => s.actions.includes("sns:Publish"));
    expect(publish.map((s) => s.resources)).toEqual([[{ Ref: "InternalTopic" }]]);
    const eks = statementsOf("IngestRole").filter((s) => s.actions.some((a) => a.startsWith("eks:")));
    // One cluster: exactly that one. A fleet: this account's clusters (entries without roleArn); the others
    // only through a member role of the one name infra/member-account.yaml creates.
    expect(eks).toHaveLength(2);
    for (const resource of eks[0]?.resources ?? []) expect(refersTo(resource, "EksClusterName")).toBe(true);
    expect(eks[1]?.resources).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text
      { "Fn::Sub": "arn:${AWS::Partition}:eks:*:${AWS::AccountId}:cluster/*" },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text
      { "Fn::Sub": "arn:${AWS::Partition}:eks:*:${AWS::AccountId}:addon/*/coredns/*" },
    ]);
    const assume = statementsOf("IngestRole").filter((s) => s.actions.includes("sts:AssumeRole"));
    expect(assume.map((s) => s.resources)).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text
      [{ "Fn::Sub": "arn:${AWS::Partition}:iam::*:role/${MemberReaderRoleName}" }],
    ]);
  });

  it("lets nobody but the ingest, scaler and verify roles publish to the internal topic (explicit Deny for every other principal)", () => {
    const policy = template.Resources.InternalTopicPolicy;
    expect(policy?.Type).toBe("AWS::SNS::TopicPolicy");
    expect(policy?.Properties.Topics).toEqual([{ Ref: "InternalTopic" }]);
    const statements = ((policy?.Properties.PolicyDocument ?? {}) as JsonObject).Statement as JsonObject[];
    const deny = statements.find((st) => st.Effect === "Deny");
    expect(deny).toMatchObject({ Principal: "*", Action: "sns:Publish", Resource: { Ref: "InternalTopic" } });
    const exempt = (((deny?.Condition ?? {}) as JsonObject).ArnNotEquals as JsonObject)["aws:PrincipalArn"];
    // The scaler's and the verifier's roles exist only under their conditions; the ingest role always.
    expect(exempt).toEqual([
      { "Fn::GetAtt": ["IngestRole", "Arn"] },
      { "Fn::If": ["HasScaler", { "Fn::GetAtt": ["ScaleCorednsRole", "Arn"] }, { Ref: "AWS::NoValue" }] },
      { "Fn::If": ["VerifiesDrops", { "Fn::GetAtt": ["VerifyDropsRole", "Arn"] }, { Ref: "AWS::NoValue" }] },
    ]);
    // No statement allows a principal the Deny does not exempt.
    for (const st of statements.filter((x) => x.Effect === "Allow")) {
      expect((st.Principal as JsonObject).AWS).toEqual(exempt);
    }
    // Every role that publishes there is exempt, and no other.
    const publishers = all.filter(
      (st) => st.actions.includes("sns:Publish") && st.resources.some((r) => refersTo(r, "InternalTopic")),
    );
    expect(publishers.map((st) => st.role).sort()).toEqual([
      "IngestRole",
      "ScaleCorednsRole",
      "VerifyDropsRole",
    ]);
  });

  it("lets the verify function query only the workspace AMP_QUERY_URL names, read only its queue, publish only to the internal topic", () => {
    const statements = statementsOf("VerifyDropsRole");
    const query = statements.filter((st) => st.actions.some((a) => a.startsWith("aps:")));
    expect(query.map((st) => st.actions)).toEqual([["aps:QueryMetrics"]]);
    // The workspace ARN, evaluated as CloudFormation would for every URL the parameter admits.
    const arnOf = (url: string) => evaluateSub(query[0]?.resources[0] ?? null, { AmpQueryUrl: url });
    const pattern = new RegExp(String(template.Parameters.AmpQueryUrl?.AllowedPattern));
    for (const [url, arn] of [
      [
        "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-0a1b2c3d-4e5f/",
        "arn:aws:aps:eu-west-1:111122223333:workspace/ws-0a1b2c3d-4e5f",
      ],
      [
        "https://aps-workspaces.us-east-2.amazonaws.com/workspaces/ws-9z",
        "arn:aws:aps:us-east-2:111122223333:workspace/ws-9z",
      ],
    ]) {
      expect(pattern.test(url as string), url).toBe(true);
      expect(arnOf(url as string)).toBe(arn);
    }
    for (const url of [
      "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/query",
      "https://prometheus.example.com/api/",
      "http://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/",
    ])
      expect(pattern.test(url), url).toBe(false);
    const sqs = statements.filter((st) => st.actions.some((a) => a.startsWith("sqs:")));
    expect(sqs.flatMap((st) => st.resources)).toEqual([{ "Fn::GetAtt": ["VerifyQueue", "Arn"] }]);
    for (const action of actionsOf("VerifyDropsRole"))
      expect(action).not.toMatch(/^(eks|dynamodb|secretsmanager|ssm):/);
  });

  it("lets only the scaler write to EKS, and only to the coredns add-on of the one cluster", () => {
    const writers = all.filter((s) => s.actions.some((a) => a === "eks:UpdateAddon"));
    expect(writers.map((s) => s.role)).toEqual(["ScaleCorednsRole"]);
    const resources = JSON.stringify(writers[0]?.resources);
    expect(resources).toContain(["addon", "$" + "{EksClusterName}", "coredns", "*"].join("/"));
    expect(writers[0]?.actions.sort()).toEqual(["eks:DescribeUpdate", "eks:UpdateAddon"]);
    // Only with CorednsScaleMode=on (test/infra/scale-modes.test.ts evaluates both modes).
    const role = template.Resources.ScaleCorednsRole;
    const guarded = [...walk(role?.Properties.Policies ?? null)].find(
      ({ node }) => node.Sid === "UpdateCorednsAddon",
    );
    expect(guarded?.guards).toEqual(["ScalerWrites"]);
  });

  it("lets each notify function read only its own secret, and DynamoDB only on the idempotency table", () => {
    // notify-slack's secret is the webhook URL, or in Slack app mode the bot token: one store each.
    const own: Record<string, string[]> = {
      NotifySlackRole: ["SlackWebhookSecret", "SlackBotTokenSecret"],
      NotifyPagerDutyRole: ["PagerDutyRoutingKeySecret"],
    };
    for (const [roleId, parameters] of Object.entries(own)) {
      const secretReads = statementsOf(roleId).filter((s) =>
        s.actions.some((a) => a === "secretsmanager:GetSecretValue" || a === "ssm:GetParameter"),
      );
      expect(secretReads).toHaveLength(2 * parameters.length);
      const others = Object.values(own)
        .flat()
        .filter((p) => !parameters.includes(p));
      for (const s of secretReads) {
        expect(s.actions).toHaveLength(1);
        for (const resource of s.resources) {
          expect(
            parameters.filter((p) => refersTo(resource, p)),
            `${roleId} ${s.sid}`,
          ).toHaveLength(1);
          for (const other of others) expect(refersTo(resource, other)).toBe(false);
        }
      }
      const dynamo = statementsOf(roleId).filter((s) => s.actions.some((a) => a.startsWith("dynamodb:")));
      for (const resource of dynamo.flatMap((s) => s.resources))
        expect(resource).toEqual({ "Fn::GetAtt": ["IdempotencyTable", "Arn"] });
    }
  });

  it("lets notify-slack read the bot token only in Slack app mode, and the webhook URL only outside it", () => {
    const policies = template.Resources.NotifySlackRole?.Properties.Policies ?? null;
    const reads = [...walk(policies)].filter(
      ({ node }) => node.Action === "secretsmanager:GetSecretValue" || node.Action === "ssm:GetParameter",
    );
    expect(reads).toHaveLength(4);
    for (const { node, guards } of reads) {
      const appMode = guards.includes("SlackAppMode");
      expect(refersTo(node.Resource as Json, "SlackBotTokenSecret"), String(node.Sid)).toBe(appMode);
      expect(refersTo(node.Resource as Json, "SlackWebhookSecret"), String(node.Sid)).toBe(!appMode);
    }
  });

  it("decrypts secrets only through Secrets Manager or SSM and only with the named key", () => {
    // The ingest, scaler and verify roles decrypt only for the internal topic's key (publishing to it).
    const decrypts = all.filter(
      (s) =>
        s.actions.includes("kms:Decrypt") &&
        !["IngestRole", "ScaleCorednsRole", "VerifyDropsRole"].includes(s.role),
    );
    expect(decrypts).toHaveLength(2);
    for (const s of decrypts) {
      expect(s.resources).toEqual([{ Ref: "SecretsKmsKeyArn" }]);
      const via = ((s.statement.Condition as JsonObject).StringEquals as JsonObject)["kms:ViaService"];
      expect(Array.isArray(via) && via.length).toBe(2);
    }
  });

  it("writes logs only to the function's own log group", () => {
    for (const id of roleIds) {
      const logs = statementsOf(id).filter((s) => s.actions.some((a) => a.startsWith("logs:")));
      expect(logs).toHaveLength(1);
      const target = logs[0]?.resources[0];
      expect(
        isObject(target) && Array.isArray(target["Fn::GetAtt"]) && String(target["Fn::GetAtt"][0]),
      ).toMatch(/LogGroup$/);
      expect(logs[0]?.actions).not.toContain("logs:CreateLogGroup");
    }
  });

  it("holds each notify role to its own sink's keys of the idempotency table (dynamodb:LeadingKeys)", () => {
    const leadingKeys = (roleId: string) => {
      const [statement, ...others] = statementsOf(roleId).filter(
        (st) => st.actions.some((a) => a.startsWith("dynamodb:")) && st.sid !== "ReadSlackThreadPermalinks",
      );
      expect(others).toEqual([]);
      const condition = statement?.statement.Condition as JsonObject;
      return (
        (condition["ForAllValues:StringLike"] as JsonObject)["dynamodb:LeadingKeys"] as string[]
      ).sort();
    };
    const ofSink = (sink: "slack" | "pagerduty") =>
      Object.values(idempotencyKeyPrefixes(sink)).map((prefix) => `${prefix}#*`);
    expect(leadingKeys("NotifySlackRole")).toEqual(
      [...ofSink("slack"), `${INCIDENT_KEY_PREFIX}*`, `${MESSAGE_KEY_PREFIX}*`].sort(),
    );
    expect(leadingKeys("NotifyPagerDutyRole")).toEqual(
      [...ofSink("pagerduty"), `${RESOLVE_TIMES_KEY_PREFIX}*`].sort(),
    );
    // No pattern of one sink admits a key of the other.
    const matches = (pattern: string, key: string) => key.startsWith(pattern.replace(/\*$/, ""));
    for (const pattern of leadingKeys("NotifySlackRole"))
      for (const prefix of Object.values(idempotencyKeyPrefixes("pagerduty")))
        expect(matches(pattern, `${prefix}#abc`)).toBe(false);
  });

  it("lets notify-pagerduty read only the permalink of Slack app mode's records, only in app mode, and no secret of Slack's", () => {
    const [read, ...others] = statementsOf("NotifyPagerDutyRole").filter(
      (st) => st.sid === "ReadSlackThreadPermalinks",
    );
    expect(others).toEqual([]);
    expect(read?.actions).toEqual(["dynamodb:GetItem"]);
    expect(refersTo(read?.resources[0] ?? null, "IdempotencyTable")).toBe(true);
    const policies = template.Resources.NotifyPagerDutyRole?.Properties.Policies as JsonObject[];
    const statements = ((policies[0] as JsonObject).PolicyDocument as JsonObject).Statement as Json[];
    const guarded = statements.find(
      (st) =>
        isObject(st) &&
        Array.isArray(st["Fn::If"]) &&
        JSON.stringify(st).includes("ReadSlackThreadPermalinks"),
    ) as JsonObject;
    expect((guarded["Fn::If"] as Json[])[0]).toBe("SlackAppMode");
    expect((guarded["Fn::If"] as Json[])[2]).toEqual({ Ref: "AWS::NoValue" });
    const condition = read?.statement.Condition as JsonObject;
    expect(
      ((condition["ForAllValues:StringLike"] as JsonObject)["dynamodb:LeadingKeys"] as string[]).sort(),
    ).toEqual([`${INCIDENT_KEY_PREFIX}*`, `${MESSAGE_KEY_PREFIX}*`]);
    expect((condition["ForAllValues:StringEquals"] as JsonObject)["dynamodb:Attributes"]).toEqual([
      "id",
      PERMALINK_ATTRIBUTE,
    ]);
    expect((condition.StringEqualsIfExists as JsonObject)["dynamodb:Select"]).toBe("SPECIFIC_ATTRIBUTES");
    // The bot token stays with notify-slack: nothing of Slack's secrets reaches the PagerDuty role or function.
    const role = JSON.stringify(template.Resources.NotifyPagerDutyRole);
    const fn = JSON.stringify(template.Resources.NotifyPagerDutyFunction);
    for (const text of [role, fn]) {
      expect(text).not.toContain("SlackBotTokenSecret");
      expect(text).not.toContain("SlackWebhookSecret");
    }
  });

  it("grants no action the code never calls: the verify role has no sqs:ChangeMessageVisibility", () => {
    expect(actionsOf("VerifyDropsRole").has("sqs:ChangeMessageVisibility")).toBe(false);
    expect([...actionsOf("VerifyDropsRole")].filter((a) => a.startsWith("sqs:")).sort()).toEqual([
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ReceiveMessage",
    ]);
  });

  it("pins PagerDutyEventsUrl to PagerDuty's hosts unless AllowCustomPagerDutyEventsUrl says otherwise", () => {
    const rules = (template as unknown as { Rules: Record<string, JsonObject> }).Rules;
    const rule = rules.PagerDutyEventsHost as JsonObject;
    expect(rule.RuleCondition).toEqual({ "Fn::Equals": [{ Ref: "AllowCustomPagerDutyEventsUrl" }, "false"] });
    const [assertion] = rule.Assertions as JsonObject[];
    const [hosts, value] = ((assertion as JsonObject).Assert as JsonObject)["Fn::Contains"] as [
      string[],
      Json,
    ];
    expect(value).toEqual({ Ref: "PagerDutyEventsUrl" });
    expect(hosts).toContain(template.Parameters.PagerDutyEventsUrl?.Default);
    for (const url of hosts) expect(new URL(url).hostname).toMatch(/^events(\.eu)?\.pagerduty\.com$/);
    expect(template.Parameters.AllowCustomPagerDutyEventsUrl?.Default).toBe("false");
  });
});
