// Generated-clients check (issue 14), TypeScript side.
//
// The same scenario as ../scenario.py, written against the types openapi-typescript generates
// from the spec (gen/schema.d.ts, made at CI time) and driven with openapi-fetch's
// createClient<paths>(). `tsc -p .` (strict) is the first half of the check: a path, a
// parameter or a field the scenario uses that the spec lost or retyped fails the build.
//
//   node dist/scenario.js BASE_URL [SPEC_PATH]
//
// The second half runs it against a server started with --demo. The generated types say
// nothing at run time, so every answer is also checked against the spec it was generated
// from (SPEC_PATH, default ../../openapi/openapi.json from this folder): documented status,
// documented media type, required fields present, no null where the spec does not allow
// it, no field the spec does not declare, enums and types as declared.

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./gen/schema.js";

const ADMIN_EMAIL = "admin@example.com";
const ADMIN_PASSWORD = "demo";
const SEARCH_TIMEOUT_MS = 10_000;

class CheckFailed extends Error {}

function fail(message: string): never {
  throw new CheckFailed(message);
}

function expect(condition: boolean, message: string): void {
  if (!condition) fail(message);
}

function step(message: string): void {
  console.log(`ok  ${message}`);
}

// --- answers checked against the spec ----------------------------------------------------------

interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

interface MediaObject {
  schema?: Schema;
}

interface ResponseObject {
  content?: Record<string, MediaObject>;
}

interface Spec {
  paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, ResponseObject> }>>;
  components?: { schemas?: Record<string, Schema> };
}

function resolveRef(spec: Spec, ref: string): Schema {
  const prefix = "#/components/schemas/";
  const schema = ref.startsWith(prefix) ? spec.components?.schemas?.[ref.slice(prefix.length)] : undefined;
  if (!schema) fail(`the spec has no schema ${ref}`);
  return schema;
}

function allowsNull(schema: Schema): boolean {
  if (schema.nullable === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes("null")) return true;
  if (schema.type === "null") return true;
  if (schema.enum?.includes(null)) return true;
  return [...(schema.oneOf ?? []), ...(schema.anyOf ?? [])].some((s) => s.type === "null" || s.nullable === true);
}

function conform(spec: Spec, value: unknown, schema: Schema, path: string, issues: string[]): void {
  if (value === null) {
    const target = schema.$ref ? resolveRef(spec, schema.$ref) : schema;
    if (!allowsNull(schema) && !allowsNull(target)) issues.push(`${path}: null, but the spec does not allow null here`);
    return;
  }
  if (schema.$ref) {
    conform(spec, value, resolveRef(spec, schema.$ref), path, issues);
    return;
  }
  for (const part of schema.allOf ?? []) conform(spec, value, part, path, issues);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    const fits = alternatives.some((alt) => {
      const sub: string[] = [];
      conform(spec, value, alt, path, sub);
      return sub.length === 0;
    });
    if (!fits) issues.push(`${path}: matches none of the alternatives`);
  }
  if (schema.enum && !schema.enum.includes(value)) {
    issues.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length === 0) return;
  const kind = Array.isArray(value) ? "array" : typeof value;
  const fitsType = types.some(
    (t) =>
      (t === "integer" && typeof value === "number" && Number.isInteger(value)) ||
      (t === "number" && typeof value === "number") ||
      (t === "string" && typeof value === "string") ||
      (t === "boolean" && typeof value === "boolean") ||
      (t === "array" && Array.isArray(value)) ||
      (t === "object" && kind === "object"),
  );
  if (!fitsType) {
    issues.push(`${path}: expected ${types.join(" or ")}, got ${kind} ${JSON.stringify(value)}`);
    return;
  }
  if (typeof value === "string" && schema.format === "date-time" && Number.isNaN(Date.parse(value))) {
    issues.push(`${path}: ${JSON.stringify(value)} is not a date-time`);
  }
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((item, i) => conform(spec, item, schema.items as Schema, `${path}[${i}]`, issues));
    return;
  }
  if (kind === "object") {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (!(name in record)) issues.push(`${path}.${name}: required but absent`);
    }
    const declared = schema.properties ?? {};
    for (const [name, v] of Object.entries(record)) {
      const sub = declared[name];
      if (sub) {
        conform(spec, v, sub, `${path}.${name}`, issues);
      } else if (typeof schema.additionalProperties === "object") {
        conform(spec, v, schema.additionalProperties, `${path}.${name}`, issues);
      } else if (schema.properties && schema.additionalProperties !== true) {
        issues.push(`${path}.${name}: a field the spec does not declare`);
      }
    }
  }
}

function mediaType(contentType: string | null): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** Problems with the last answer, filled by the middleware, read by `ok()`. */
let lastIssues: string[] = [];

function specChecker(spec: Spec): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      lastIssues = [`${request.method} ${schemaPath}: the answer was not checked`];
      return undefined;
    },
    async onResponse({ request, response, schemaPath }) {
      const issues: string[] = [];
      const method = request.method.toLowerCase();
      const operation = spec.paths[schemaPath]?.[method];
      const where = `${request.method} ${schemaPath}`;
      const documented = operation?.responses?.[String(response.status)] ?? operation?.responses?.["default"];
      if (!operation) {
        issues.push(`${where}: not in the spec`);
      } else if (!documented) {
        issues.push(`${where}: status ${response.status} is not documented`);
      } else {
        const text = await response.clone().text();
        const content = documented.content ?? {};
        if (text.length === 0) {
          if (Object.keys(content).length > 0) issues.push(`${where}: ${response.status} has no body, the spec documents one`);
        } else {
          const got = mediaType(response.headers.get("content-type"));
          const entry = Object.entries(content).find(([key]) => mediaType(key) === got);
          if (!entry) {
            issues.push(`${where}: ${response.status} answered ${got}, the spec documents ${Object.keys(content).join(", ") || "no body"}`);
          } else if (entry[1].schema && got.endsWith("json")) {
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch (e) {
              issues.push(`${where}: the body is not JSON: ${String(e)}`);
            }
            if (body !== undefined) conform(spec, body, entry[1].schema, "body", issues);
          }
        }
      }
      lastIssues = issues;
      return undefined;
    },
  };
}

interface Problem {
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
}

/** Checks the status and the spec conformance of an answer, returns its data. */
function ok<T>(step: string, result: { data?: T; error?: unknown; response: Response }, expected: number): NonNullable<T> {
  const { data, error, response } = result;
  if (response.status !== expected) {
    const problem = (error ?? {}) as Problem;
    const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join("; ");
    fail(
      `${step}: ${response.url} answered ${response.status} ${response.statusText}, expected ${expected}` +
        (problem.title || problem.detail ? `: ${problem.title}: ${problem.detail} ${fields}` : `: ${JSON.stringify(error)}`),
    );
  }
  if (lastIssues.length > 0) fail(`${step}: the answer does not match the spec:\n  ${lastIssues.join("\n  ")}`);
  if (data === undefined || data === null) fail(`${step}: ${expected} answered without the data the spec promises`);
  return data as NonNullable<T>;
}

function noContent(step: string, result: { error?: unknown; response: Response }): void {
  if (result.response.status !== 204) {
    fail(`${step}: ${result.response.url} answered ${result.response.status}, expected 204: ${JSON.stringify(result.error)}`);
  }
  if (lastIssues.length > 0) fail(`${step}: the answer does not match the spec:\n  ${lastIssues.join("\n  ")}`);
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

// --- the scenario --------------------------------------------------------------------------

async function scenario(baseUrl: string, spec: Spec): Promise<void> {
  const now = new Date();
  const stamp = now.toISOString().replace(/[-:TZ.]/g, "");
  const marker = `tsclientcheck${stamp}`; // one word, to search for
  const checker = specChecker(spec);

  const anonymous = createClient<paths>({ baseUrl });
  anonymous.use(checker);
  const session = ok(
    "sign in",
    await anonymous.POST("/api/v1/auth/login", { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } }),
    200,
  );
  expect(session.token.length > 0, "sign in: empty token");
  expect(session.user.email === ADMIN_EMAIL, `sign in: signed in as ${session.user.email}`);
  expect(session.user.role === "admin", `sign in: role ${session.user.role}`);
  const adminId = session.user.id;
  const admin = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${session.token}` } });
  admin.use(checker);
  step(`signed in as ${ADMIN_EMAIL} (${adminId})`);

  const teamName = `TS client check ${stamp}`;
  const team = ok(
    "create team",
    await admin.POST("/api/v1/teams", {
      body: { name: teamName, description: "generated-clients CI check", members: [adminId] },
    }),
    201,
  );
  expect(team.name === teamName, `create team: name ${team.name}`);
  expect(team.members.length === 1 && team.members[0] === adminId, `create team: members ${team.members}, expected [${adminId}]`);
  step(`created team ${team.id} with the admin as member`);

  const wrapUpName = `TS resolved ${stamp}`;
  const wrapUp = ok("create wrap-up reason", await admin.POST("/api/v1/wrap-up-reasons", { body: { name: wrapUpName } }), 201);
  expect(wrapUp.name === wrapUpName, `create wrap-up reason: name ${wrapUp.name}`);
  expect(wrapUp.archived === false, "create wrap-up reason: archived");
  step(`created wrap-up reason ${wrapUp.id}`);

  const inbox = ok(
    "create inbox",
    await admin.POST("/api/v1/inboxes", {
      body: { name: `TS API inbox ${stamp}`, channel: "api", assignment: "manual", team_ids: [team.id] },
    }),
    201,
  );
  expect(inbox.channel === "api", `create inbox: channel ${inbox.channel}`);
  expect(inbox.assignment === "manual", `create inbox: assignment ${inbox.assignment}`);
  expect(inbox.team_ids.length === 1 && inbox.team_ids[0] === team.id, `create inbox: team_ids ${inbox.team_ids}`);
  step(`created api inbox ${inbox.id} served by the team, manual assignment`);

  const token = ok(
    "create API token",
    await admin.POST("/api/v1/tokens", { body: { name: `ts-client-check-${stamp}`, expires_in_days: 1 } }),
    201,
  );
  expect(token.token.length > 0, "create API token: empty secret");
  expect(token.token !== session.token, "create API token: the secret is the session token");
  expect(typeof token.expires_at === "string", "create API token: no expires_at although expires_in_days=1");
  const integration = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token.token}` } });
  integration.use(checker);
  step(`created API token ${token.id}`);

  const text = `Hello, my invoice ${marker} shows the wrong amount.`;
  const receipt = ok(
    "push customer message",
    await integration.POST("/api/v1/channels/api/{inbox_id}/messages", {
      params: { path: { inbox_id: inbox.id } },
      body: {
        contact: { name: `TS Check ${stamp}`, email: `ts-client-check-${stamp}@example.com`, external_id: `ts-${stamp}` },
        text,
      },
    }),
    201,
  );
  expect(receipt.created_conversation === true, "push customer message: created_conversation is false");
  const conversationId = receipt.conversation_id;
  step(`pushed a customer message with the API token: conversation ${conversationId}`);

  const page = ok(
    "list conversations",
    await admin.GET("/api/v1/conversations", { params: { query: { inbox_id: inbox.id } } }),
    200,
  );
  const listed = page.items.filter((c) => c.id === conversationId);
  expect(listed.length === 1, `list conversations: ${conversationId} not in the inbox's list (${page.items.map((c) => c.id)})`);
  let conv = listed[0]!;
  expect(conv.inbox_id === inbox.id, `list conversations: inbox_id ${conv.inbox_id}`);
  expect(conv.status === "queued", `list conversations: status ${conv.status}, expected queued`);
  expect(conv.contact?.id === receipt.contact_id, `list conversations: contact ${JSON.stringify(conv.contact)}, expected ${receipt.contact_id}`);
  expect(conv.message_count === 1, `list conversations: message_count ${conv.message_count}`);
  step(`listed the inbox: #${conv.number} ${conversationId} is queued`);

  conv = ok(
    "assign",
    await admin.POST("/api/v1/conversations/{id}/assign", {
      params: { path: { id: conversationId } },
      body: { user_id: adminId },
    }),
    200,
  );
  expect(conv.id === conversationId, `assign: answered conversation ${conv.id}`);
  expect(conv.assignee_id === adminId, `assign: assignee ${conv.assignee_id}, expected ${adminId}`);
  expect(conv.status === "open", `assign: status ${conv.status}, expected open`);
  step(`assigned ${conversationId} to the admin (status open)`);

  const replyText = `Thanks, we are correcting invoice ${marker} now.`;
  const message = ok(
    "reply",
    await admin.POST("/api/v1/conversations/{id}/messages", {
      params: { path: { id: conversationId } },
      body: { kind: "reply", text: replyText },
    }),
    201,
  );
  expect(message.conversation_id === conversationId, `reply: conversation_id ${message.conversation_id}`);
  expect(message.kind === "agent", `reply: kind ${message.kind}, expected agent`);
  expect(message.text === replyText, `reply: text ${JSON.stringify(message.text)}`);
  expect(message.author_id === adminId, `reply: author_id ${message.author_id}, expected ${adminId}`);
  conv = ok(
    "read after reply",
    await admin.GET("/api/v1/conversations/{id}", { params: { path: { id: conversationId } } }),
    200,
  );
  expect(conv.status === "pending", `reply: status ${conv.status}, expected pending`);
  step(`replied (message ${message.id}); the conversation is pending`);

  conv = ok(
    "close",
    await admin.POST("/api/v1/conversations/{id}/close", {
      params: { path: { id: conversationId } },
      body: { wrap_up_reason_id: wrapUp.id },
    }),
    200,
  );
  expect(conv.id === conversationId, `close: answered conversation ${conv.id}`);
  expect(conv.status === "closed", `close: status ${conv.status}, expected closed`);
  expect(conv.wrap_up_reason_id === wrapUp.id, `close: wrap_up_reason_id ${conv.wrap_up_reason_id}`);
  expect(typeof conv.closed_at === "string" && !Number.isNaN(Date.parse(conv.closed_at)), `close: closed_at ${conv.closed_at}`);
  step(`closed ${conversationId} with wrap-up reason ${wrapUp.id}`);

  const deadline = Date.now() + SEARCH_TIMEOUT_MS;
  let tries = 0;
  let result;
  let hits;
  for (;;) {
    tries += 1;
    result = ok("search", await admin.GET("/api/v1/search", { params: { query: { q: marker } } }), 200);
    hits = result.items.filter((h) => h.conversation.id === conversationId);
    if (hits.length > 0 || Date.now() >= deadline) break;
    await sleep(500);
  }
  expect(
    hits.length === 1,
    `search: ${marker} did not find ${conversationId} within ${SEARCH_TIMEOUT_MS / 1000} s (${tries} tries; found ${result.items.map((h) => h.conversation.id)})`,
  );
  const hit = hits[0]!;
  expect(result.total >= 1, `search: total ${result.total}`);
  expect(hit.conversation.status === "closed", `search: hit status ${hit.conversation.status}`);
  expect(hit.messages.length >= 1, "search: the hit has no matching messages");
  expect(
    hit.messages.some((m) => m.fragment.includes(marker) && m.html.includes("<mark>")),
    `search: no hit message shows ${marker} marked: ${JSON.stringify(hit.messages)}`,
  );
  step(`search ${marker} found ${conversationId} (${hit.messages.length} matching messages, ${tries} tries)`);

  noContent("revoke API token", await admin.DELETE("/api/v1/tokens/{id}", { params: { path: { id: token.id } } }));
  step(`revoked API token ${token.id}`);
}

async function main(): Promise<number> {
  const [baseArg, specArg] = process.argv.slice(2);
  if (!baseArg) {
    console.error("usage: node dist/scenario.js BASE_URL [SPEC_PATH]");
    return 2;
  }
  const baseUrl = baseArg.replace(/\/+$/, "");
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/scenario.js -> ci/clients/ts -> the repository root
  const specPath = resolve(specArg ?? resolve(here, "..", "..", "..", "..", "openapi", "openapi.json"));
  const spec = JSON.parse(readFileSync(specPath, "utf8")) as Spec;
  console.log(`typescript client scenario against ${baseUrl} (answers checked against ${specPath})`);
  try {
    await scenario(baseUrl, spec);
  } catch (e) {
    if (e instanceof CheckFailed) {
      console.error(`FAIL ${e.message}`);
      return 1;
    }
    throw e;
  }
  console.log("typescript client scenario: all steps passed");
  return 0;
}

process.exitCode = await main();
