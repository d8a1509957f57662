// A local Discord gateway (https://discord.com/developers/docs/events/gateway) for the real discord.js
// client: HELLO on connect, IDENTIFY checked against the bot token, READY, HEARTBEAT_ACK for every
// heartbeat, and dispatches (INTERACTION_CREATE…) pushed by tests. `attachGateway` makes the fake REST
// server answer GET /gateway/bot with this server's URL and adds the routes the volunteer bot uses:
// command registration, interaction callbacks and follow-up edits, and DM channels.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type GatewayIdentifyData, GatewayOpcodes, type GatewayReceivePayload } from 'discord-api-types/v10';
import { type WebSocket, WebSocketServer } from 'ws';
import { botMessage, type FakeDiscord, fakeSnowflake } from './discord-rest.ts';

export interface FakeDiscordGateway {
  url: string;
  identifies: GatewayIdentifyData[];
  heartbeatsAcked(): number;
  /** Sends a dispatch (op 0) to every identified connection. */
  dispatch(event: string, data: unknown): void;
  close(): Promise<void>;
}

export async function startFakeDiscordGateway(options: {
  token: string;
  applicationId: string;
  botUserId: string;
  heartbeatIntervalMs?: number;
}): Promise<FakeDiscordGateway> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const identifies: GatewayIdentifyData[] = [];
  const ready = new Set<WebSocket>();
  let acks = 0;
  let seq = 0;
  const send = (ws: WebSocket, payload: unknown) => ws.send(JSON.stringify(payload));

  wss.on('connection', (ws) => {
    send(ws, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 45_000 } });
    ws.on('close', () => ready.delete(ws));
    ws.on('message', (raw) => {
      let msg: { op: number; d: unknown };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        return ws.close(4002, 'Decode error');
      }
      if (msg.op === GatewayOpcodes.Heartbeat) {
        acks += 1;
        return send(ws, { op: GatewayOpcodes.HeartbeatAck });
      }
      if (msg.op === GatewayOpcodes.Identify) {
        const identify = msg.d as GatewayIdentifyData;
        identifies.push(identify);
        if (identify.token !== options.token && identify.token !== `Bot ${options.token}`)
          return ws.close(4004, 'Authentication failed');
        ready.add(ws);
        seq += 1;
        return send(ws, {
          op: GatewayOpcodes.Dispatch,
          t: 'READY',
          s: seq,
          d: {
            v: 10,
            user: {
              id: options.botUserId,
              username: 'wild-sentinel',
              discriminator: '0',
              global_name: null,
              avatar: null,
              bot: true,
            },
            guilds: [],
            session_id: randomBytes(16).toString('hex'),
            resume_gateway_url: url,
            shard: [0, 1],
            application: { id: options.applicationId, flags: 0 },
          },
        });
      }
    });
  });

  return {
    url,
    identifies,
    heartbeatsAcked: () => acks,
    dispatch(event, data) {
      seq += 1;
      for (const ws of ready)
        send(ws, { op: GatewayOpcodes.Dispatch, t: event, s: seq, d: data } as GatewayReceivePayload);
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

export interface InteractionCallback {
  interactionId: string;
  token: string;
  body: { type: number; data?: Record<string, unknown> };
}

export interface VolunteerBotRoutes {
  callbacks: InteractionCallback[];
  /** Edits of an interaction's original response (after a deferred reply), by interaction token. */
  edits: { token: string; body: Record<string, unknown> }[];
  /** Registered application commands. */
  commands: () => { name: string }[];
  /** The DM channel opened with a user, if any. */
  dmChannelOf(userId: string): string | undefined;
}

export function attachGateway(rest: FakeDiscord, gateway: FakeDiscordGateway): VolunteerBotRoutes {
  const callbacks: InteractionCallback[] = [];
  const edits: { token: string; body: Record<string, unknown> }[] = [];
  let commands: { name: string }[] = [];
  const dms = new Map<string, string>();

  rest.route('GET', '/gateway/bot', () => ({
    status: 200,
    body: {
      url: gateway.url,
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
    },
  }));
  rest.route('PUT', '/applications/:appId/commands', ({ params, body }) => {
    commands = (body as { name: string }[]).map((c) => ({
      ...c,
      id: fakeSnowflake(),
      application_id: params.appId,
      version: '1',
      type: 1,
    }));
    return { status: 200, body: commands };
  });
  rest.route('POST', '/interactions/:id/:token/callback', ({ params, body }) => {
    callbacks.push({
      interactionId: params.id!,
      token: params.token!,
      body: body as InteractionCallback['body'],
    });
    return { status: 204, body: undefined };
  });
  // discord.js sends '@original' percent-encoded; route params arrive decoded.
  rest.route('PATCH', '/webhooks/:appId/:token/messages/:message', ({ params, body }) => {
    if (params.message !== '@original')
      return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
    edits.push({ token: params.token!, body: body as Record<string, unknown> });
    return {
      status: 200,
      body: botMessage(rest.botUserId, {
        channel_id: '0',
        content: (body as { content?: string }).content ?? '',
      }),
    };
  });
  rest.route('POST', '/users/@me/channels', ({ body }) => {
    const recipient = String((body as { recipient_id?: string }).recipient_id ?? '');
    if (!/^\d+$/.test(recipient)) return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
    const id = dms.get(recipient) ?? fakeSnowflake();
    dms.set(recipient, id);
    return {
      status: 200,
      body: {
        id,
        type: 1,
        recipients: [{ id: recipient, username: `user${recipient}`, discriminator: '0', avatar: null }],
      },
    };
  });

  return { callbacks, edits, commands: () => commands, dmChannelOf: (userId) => dms.get(userId) };
}
