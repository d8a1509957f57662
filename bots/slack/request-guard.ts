// In front of Bolt's HTTP receiver: the boundary check for what Slack posts. Bolt parses the body in a
// promise nobody awaits, so a signed body of `null` (JSON that is not an object) threw a TypeError there:
// an unhandled rejection, and a request left without an answer. And every string we read from a payload
// (ids, values, typed text) must obey the same rule as every other boundary: no NUL, no lone surrogate.
// Bolt and our handlers also dereference the envelope (event.channel, user.id, view.state.values, …)
// before anything is acknowledged, so a signed payload with those fields of the wrong kind was a 500.
// Bodies that break these rules are answered 400 here, naming the field; the rest go on to Bolt, which
// reuses the body read here (it reads `rawBody` when present) and checks the signature as before.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';
import { isSafeText } from '../../shared/text.ts';

/** Slack's payloads are far smaller; larger bodies are refused before they are read whole. */
export const MAX_SLACK_BODY_BYTES = 1024 * 1024;

type Buffered = IncomingMessage & { rawBody?: Buffer };

/** The body as Bolt will read it: form fields (with `payload` as JSON) or JSON. */
function parseLikeBolt(raw: string, contentType: string | undefined): { ok: boolean; value?: unknown } {
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const fields = parseQuery(raw);
      return { ok: true, value: typeof fields.payload === 'string' ? JSON.parse(fields.payload) : fields };
    }
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/** The path of the first string (key or value) that is not safe text, or undefined. */
export function unsafeField(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return isSafeText(value) ? undefined : path || '(body)';
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const found = unsafeField(v, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = path ? `${path}.${k}` : k;
      if (!isSafeText(k)) return `${path ? `${path}.` : ''}(a key)`;
      const found = unsafeField(v, here);
      if (found) return found;
    }
  }
  return undefined;
}

const object = z.looseObject({});
const optionalObject = object.optional();
/** What Bolt's routing and our handlers read from a payload before the ack, with the kind they need. */
const envelopeSchema = z.looseObject({
  type: z.string().optional(),
  event: z
    .looseObject({
      type: z.string().optional(),
      item: optionalObject,
      channel: z.union([z.string(), object]).optional(),
      channel_id: z.string().optional(),
    })
    .optional(),
  authorizations: z.array(z.looseObject({ team_id: z.string().nullable().optional() })).optional(),
  command: z.string().optional(),
  user: z.looseObject({ id: z.string(), team_id: z.string().optional() }).optional(),
  team: object.nullable().optional(),
  enterprise: object.nullable().optional(),
  channel: z.looseObject({ id: z.string().optional() }).optional(),
  container: optionalObject,
  message: optionalObject,
  actions: z
    .array(z.looseObject({ action_id: z.string().optional(), block_id: z.string().optional() }))
    .optional(),
  view: z
    .looseObject({
      callback_id: z.string().optional(),
      private_metadata: z.string().optional(),
      state: z.looseObject({ values: z.record(z.string(), z.record(z.string(), object)) }).optional(),
    })
    .optional(),
});

/** Each kind of payload carries what its handlers read. */
function missingForType(body: z.infer<typeof envelopeSchema>): string | undefined {
  if (body.command !== undefined && typeof (body as { text?: unknown }).text !== 'string') return 'text';
  if (body.type === 'block_actions' || body.type === 'view_submission' || body.type === 'view_closed') {
    if (!body.user) return 'user';
  }
  if (body.type === 'block_actions' && !body.actions) return 'actions';
  if ((body.type === 'view_submission' || body.type === 'view_closed') && !body.view?.state)
    return 'view.state';
  if (body.type === 'event_callback' && !body.event) return 'event';
  return undefined;
}

function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ error: 'invalid_request', message }));
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_SLACK_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function guardSlackRequests(listener: RequestListener): RequestListener {
  return (req, res) => {
    if (req.method !== 'POST') return listener(req, res);
    readBody(req).then(
      (body) => {
        if (!body) return refuse(res, 413, `the body exceeds ${MAX_SLACK_BODY_BYTES} bytes`);
        (req as Buffered).rawBody = body;
        const parsed = parseLikeBolt(body.toString(), req.headers['content-type']);
        // Unparseable bodies are Bolt's to refuse (401 unsigned, 400 signed), as before.
        if (!parsed.ok) return listener(req, res);
        if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value))
          return refuse(res, 400, 'the body must be a JSON object or form fields');
        const field = unsafeField(parsed.value);
        if (field) return refuse(res, 400, `${field} must not contain NUL characters or unpaired surrogates`);
        const envelope = envelopeSchema.safeParse(parsed.value);
        if (!envelope.success) {
          const issue = envelope.error.issues[0]!;
          return refuse(res, 400, `${issue.path.join('.')}: ${issue.message}`);
        }
        const missing = missingForType(envelope.data);
        if (missing) return refuse(res, 400, `${missing} is missing or of the wrong kind`);
        return listener(req, res);
      },
      () => {
        // The client went away while sending: nothing left to answer.
        if (!res.headersSent) refuse(res, 400, 'the body could not be read');
      },
    );
  };
}
