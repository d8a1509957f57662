// Awareness campaigns in Slack: `/campaign` opens a modal to plan (or edit) a campaign for a wildlife day;
// the campaign's card in the comms channel previews every message and audience, with Approve, Request
// changes and Cancel buttons; the workflow keeps the card current and posts a delivery summary in its
// thread. Handlers only translate Slack payloads into campaign use cases.
import type { App, types, webApi } from '@slack/bolt';
import { z } from 'zod';
import {
  calendarForYear,
  describeRule,
  findWildlifeDay,
  nextOccurrence,
  WILDLIFE_DAYS,
} from '../../shared/campaigns/calendar.ts';
import type { Destination } from '../../shared/campaigns/destinations.ts';
import {
  type Audience,
  type CampaignContent,
  type CampaignContentInput,
  campaignContentSchema,
  describeWhen,
  PLATFORMS,
  type Variant,
  type When,
} from '../../shared/campaigns/model.ts';
import { TEMPLATE_LANGUAGES } from '../../shared/campaigns/templates.ts';
import { localDate as localDateOf, localTime } from '../../shared/campaigns/time.ts';
import type { CampaignNotifier } from '../../workflows/campaigns/activities.ts';
import type { CalendarEntry } from '../../workflows/campaigns/calendar-view.ts';
import { describeLengthProblem, lengthProblems } from '../../workflows/campaigns/channels/limits.ts';
import { summarize } from '../../workflows/campaigns/summary.ts';
import type { CampaignUseCases } from '../../workflows/campaigns/use-cases.ts';
import type {
  ApprovalAsk,
  CampaignRunState,
  RetryingPost,
  RunPhase,
} from '../../workflows/campaigns/workflow.ts';
import type { Inbox, InboxHandler } from '../inbox.ts';
import { escapeMrkdwn, truncate } from './mrkdwn.ts';

export const CAMPAIGN_COMMAND = '/campaign';
export const CAMPAIGN_MODAL = 'campaign_modal';
export const CHANGES_MODAL = 'campaign_changes_modal';
export const ACTION_CAMPAIGN_APPROVE = 'campaign_approve';
export const ACTION_CAMPAIGN_CHANGES = 'campaign_request_changes';
export const ACTION_CAMPAIGN_CANCEL = 'campaign_cancel';

// ---------------------------------------------------------------------------------------------------
// The modal: day, name, send time, audiences (one per line) and messages (one [language] section each).

const BLOCK = {
  slackChannels: 'slack_channels',
  pickedSettings: 'picked_settings',
  destinations: 'destinations',
  when: 'when',
  daysBefore: 'days_before',
  date: 'date',
  day: 'day',
  name: 'name',
  sendTime: 'send_time',
  audiences: 'audiences',
  messages: 'messages',
};
const INPUT = 'value';
/** Slack's plain_text_input holds at most 3,000 characters. */
const MODAL_TEXT_LIMIT = 3000;

interface ModalMetadata {
  mode: 'create' | 'edit';
  campaignId?: string;
  channelId: string;
}

const AUDIENCE_HELP =
  'One audience per line: platform target time-zone language [local send time], e.g.\n' +
  'slack C0123ABCD Europe/London en\ntelegram @wildlife_id Asia/Jakarta id 10:00\ndiscord 123456789012345678 America/Sao_Paulo pt';

export function formatAudiences(audiences: Audience[]): string {
  return audiences
    .map((a) => [a.platform, a.target, a.timeZone, a.language, a.sendTime].filter(Boolean).join(' '))
    .join('\n');
}

export function formatVariants(variants: Record<string, Variant>): string {
  return Object.entries(variants)
    .map(([lang, v]) =>
      [`[${lang}]`, v.text, v.imageUrl ? `image: ${v.imageUrl}` : undefined].filter(Boolean).join('\n'),
    )
    .join('\n\n');
}

/** Parses the audience lines; errors are reported per line. */
export function parseAudiences(text: string): { audiences: Record<string, unknown>[]; errors: string[] } {
  const audiences: Record<string, unknown>[] = [];
  const errors: string[] = [];
  text
    .split('\n')
    .map((l) => l.trim())
    .forEach((line, i) => {
      if (!line || line.startsWith('#')) return;
      const [platform, target, timeZone, language, sendTime, ...rest] = line.split(/\s+/);
      if (!platform || !target || !timeZone || !language || rest.length > 0) {
        errors.push(`line ${i + 1}: expected "platform target time-zone language [HH:MM]"`);
        return;
      }
      if (!(PLATFORMS as readonly string[]).includes(platform)) {
        errors.push(`line ${i + 1}: platform must be one of ${PLATFORMS.join(', ')}`);
        return;
      }
      audiences.push({ platform, target, timeZone, language, ...(sendTime ? { sendTime } : {}) });
    });
  return { audiences, errors };
}

/** Parses "[lang]" sections; a line "image: https://…" in a section adds its image. */
export function parseVariants(text: string): {
  variants: Record<string, Record<string, string>>;
  errors: string[];
} {
  const variants: Record<string, Record<string, string>> = {};
  const errors: string[] = [];
  let current: { lang: string; lines: string[]; imageUrl?: string } | undefined;
  const flush = () => {
    if (!current) return;
    const body = current.lines.join('\n').trim();
    if (variants[current.lang]) errors.push(`[${current.lang}] appears twice`);
    variants[current.lang] = { text: body, ...(current.imageUrl ? { imageUrl: current.imageUrl } : {}) };
  };
  for (const line of text.split('\n')) {
    const header = /^\s*\[([A-Za-z0-9-]+)\]\s*$/.exec(line);
    const image = /^\s*image:\s*(\S+)\s*$/i.exec(line);
    if (header) {
      flush();
      current = { lang: header[1]!, lines: [] };
    } else if (image && current) {
      current.imageUrl = image[1];
    } else if (current) {
      current.lines.push(line);
    } else if (line.trim()) {
      errors.push('start each message with its language in brackets, e.g. [en]');
      break;
    }
  }
  flush();
  return { variants, errors };
}

type ViewState = Record<
  string,
  Record<
    string,
    {
      value?: string | null;
      selected_option?: { value: string } | null;
      selected_time?: string | null;
      selected_date?: string | null;
      selected_conversations?: string[] | null;
      selected_options?: { value: string }[] | null;
    }
  >
>;

/** The "When" choices of the modal. */
const WHEN_OPTIONS = {
  day_once: 'On the day, this year only',
  day_yearly: 'On the day, every year (approved again each year)',
  teaser_once: 'A teaser, days before the day, this year only',
  teaser_yearly: 'A teaser, days before the day, every year',
  date: 'On a date (below)',
  now: 'Now: as soon as a lead approves',
} as const;
type WhenChoice = keyof typeof WHEN_OPTIONS;

function whenChoice(when: When | undefined): WhenChoice {
  if (!when || when.kind === 'day') {
    const teaser = (when?.daysBefore ?? 0) > 0 ? 'teaser' : 'day';
    return `${teaser}_${when?.repeat === 'yearly' ? 'yearly' : 'once'}` as WhenChoice;
  }
  return when.kind;
}

/** The modal's When, teaser days and date fields as the campaign's `when` (validated by the schema). */
export function readWhen(
  choice: string,
  daysBefore: string | null | undefined,
  date: string | null | undefined,
) {
  if (choice === 'now') return { kind: 'now' };
  if (choice === 'date') return { kind: 'date', date: date ?? '' };
  const teaser = choice.startsWith('teaser');
  return {
    kind: 'day',
    repeat: choice.endsWith('yearly') ? 'yearly' : 'once',
    daysBefore: teaser ? Number(daysBefore || Number.NaN) : 0,
  };
}

/**
 * Audiences picked rather than typed: Slack channels from the conversations picker (with the time zone and
 * language given for them) and registered destinations by name.
 */
function pickedAudiences(
  get: (block: string) => ViewState[string][string] | undefined,
  destinations: Destination[],
  errors: Record<string, string>,
): Record<string, unknown>[] {
  const picked: Record<string, unknown>[] = [];
  const channels = get(BLOCK.slackChannels)?.selected_conversations ?? [];
  if (channels.length) {
    const [timeZone, language, ...rest] = (get(BLOCK.pickedSettings)?.value ?? '').trim().split(/\s+/);
    if (!timeZone || !language || rest.length) {
      errors[BLOCK.pickedSettings] =
        'give the time zone and language of the picked Slack channels, e.g. "Europe/London en"';
    } else {
      for (const target of channels) picked.push({ platform: 'slack', target, timeZone, language });
    }
  }
  for (const { value } of get(BLOCK.destinations)?.selected_options ?? []) {
    const d = destinations.find((x) => x.name === value);
    if (!d) errors[BLOCK.destinations] = `"${value}" is no longer registered`;
    else picked.push({ platform: d.platform, target: d.target, timeZone: d.timeZone, language: d.language });
  }
  return picked;
}

/** Turns the submitted modal into campaign content, with errors keyed by block id for Slack. */
export function readCampaignModal(
  values: ViewState,
  reportChannel: string,
  destinations: Destination[] = [],
): { content?: CampaignContent; errors: Record<string, string> } {
  const get = (block: string) => values[block]?.[INPUT];
  const errors: Record<string, string> = {};
  const audiences = parseAudiences(get(BLOCK.audiences)?.value ?? '');
  audiences.audiences.push(...pickedAudiences(get, destinations, errors));
  const variants = parseVariants(get(BLOCK.messages)?.value ?? '');
  if (audiences.errors.length) errors[BLOCK.audiences] = audiences.errors.join('; ');
  if (variants.errors.length) errors[BLOCK.messages] = variants.errors.join('; ');
  const raw: CampaignContentInput = {
    // No day picked: a post on a date (or now) for no wildlife day; "on the day" then asks for one.
    dayId: get(BLOCK.day)?.selected_option?.value || undefined,
    name: get(BLOCK.name)?.value ?? '',
    sendTime: get(BLOCK.sendTime)?.selected_time ?? '09:00',
    when: readWhen(
      get(BLOCK.when)?.selected_option?.value ?? 'day_once',
      get(BLOCK.daysBefore)?.value,
      get(BLOCK.date)?.selected_date,
    ) as When,
    audiences: audiences.audiences as Audience[],
    variants: variants.variants as Record<string, Variant>,
    reportChannel: /^[CG][A-Z0-9]{2,}$/.test(reportChannel) ? reportChannel : undefined,
  };
  const parsed = campaignContentSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [head, index, field] = issue.path.map(String);
      const block =
        head === 'when'
          ? index === 'date'
            ? BLOCK.date
            : index === 'daysBefore'
              ? BLOCK.daysBefore
              : BLOCK.when
          : head === 'dayId'
            ? BLOCK.day
            : head === 'name'
              ? BLOCK.name
              : head === 'sendTime'
                ? BLOCK.sendTime
                : head === 'variants'
                  ? BLOCK.messages
                  : BLOCK.audiences;
      const where =
        head === 'audiences' && index !== undefined
          ? `audience ${Number(index) + 1}${field ? ` (${field})` : ''}: `
          : head === 'variants' && index
            ? `[${index}]: `
            : '';
      const message = `${where}${issue.message}`;
      errors[block] = errors[block] ? `${errors[block]}; ${message}` : message;
    }
  }
  if (parsed.success) {
    // Checked per chosen audience: the same text may fit Telegram and be too long for Discord.
    const tooLong = lengthProblems(parsed.data).map(describeLengthProblem);
    if (tooLong.length) errors[BLOCK.messages] = tooLong.join('; ');
  }
  for (const [k, v] of Object.entries(errors)) errors[k] = truncate(v, 1900);
  return Object.keys(errors).length ? { errors } : { content: parsed.data!, errors };
}

/** "2027-02-20 · World Pangolin Day (third Saturday of February)": the day's next date first. */
function dayOption(id: string, today: string): types.PlainTextOption {
  const day = findWildlifeDay(id)!;
  const rule = day.rules.map(describeRule).join(' and ');
  const next = nextOccurrence(day, today);
  return {
    text: { type: 'plain_text', text: truncate(`${next} · ${day.name} (${rule})`, 75) },
    value: day.id,
  };
}

/** The day picker's options, soonest first. */
export function dayOptions(today: string, include?: string): types.PlainTextOption[] {
  return WILDLIFE_DAYS.filter((d) => d.verified || d.id === include)
    .map((d) => ({ option: dayOption(d.id, today), next: nextOccurrence(d, today) }))
    .sort((a, b) => a.next.localeCompare(b.next) || a.option.value!.localeCompare(b.option.value!))
    .map((d) => d.option);
}

export function campaignModal(
  meta: ModalMetadata,
  initial: Partial<CampaignContent> & { missingLanguages?: string[] } = {},
  destinations: Destination[] = [],
): types.ModalView {
  const input = (
    block: string,
    label: string,
    element: Record<string, unknown>,
    hint?: string,
  ): types.InputBlock =>
    ({
      type: 'input',
      block_id: block,
      label: { type: 'plain_text', text: label },
      element: { action_id: INPUT, ...element },
      ...(hint ? { hint: { type: 'plain_text', text: hint } } : {}),
    }) as types.InputBlock;
  const optionalInput = (block: string, label: string, element: Record<string, unknown>, hint: string) =>
    ({ ...input(block, label, element, hint), optional: true }) as types.InputBlock;
  const today = localDateOf(Date.now(), 'UTC');
  const days = dayOptions(today, initial.dayId);
  return {
    type: 'modal',
    callback_id: CAMPAIGN_MODAL,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: meta.mode === 'edit' ? 'Edit campaign' : 'New campaign' },
    submit: { type: 'plain_text', text: meta.mode === 'edit' ? 'Save changes' : 'Create draft' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      optionalInput(
        BLOCK.day,
        'Wildlife day',
        {
          type: 'static_select',
          options: days,
          ...(initial.dayId && findWildlifeDay(initial.dayId)
            ? { initial_option: dayOption(initial.dayId, today) }
            : {}),
        },
        'Leave empty for a post on a date, or now, that is for no wildlife day.',
      ),
      input(BLOCK.when, 'When', {
        type: 'static_select',
        options: Object.entries(WHEN_OPTIONS).map(([value, text]) => ({
          text: { type: 'plain_text', text },
          value,
        })),
        initial_option: {
          text: { type: 'plain_text', text: WHEN_OPTIONS[whenChoice(initial.when)] },
          value: whenChoice(initial.when),
        },
      }),
      optionalInput(
        BLOCK.daysBefore,
        'Teaser: days before the day',
        {
          type: 'number_input',
          is_decimal_allowed: false,
          min_value: '1',
          max_value: '60',
          ...(initial.when?.kind === 'day' && initial.when.daysBefore > 0
            ? { initial_value: String(initial.when.daysBefore) }
            : {}),
        },
        'Only for a teaser.',
      ),
      optionalInput(
        BLOCK.date,
        'Date',
        {
          type: 'datepicker',
          ...(initial.when?.kind === 'date' ? { initial_date: initial.when.date } : {}),
        },
        'Only for "On a date": posted at the send time, in each audience’s time zone.',
      ),
      input(BLOCK.name, 'Campaign name', {
        type: 'plain_text_input',
        max_length: 150,
        ...(initial.name ? { initial_value: initial.name } : {}),
      }),
      input(
        BLOCK.sendTime,
        'Send time (each audience’s local time)',
        { type: 'timepicker', initial_time: (initial.sendTime ?? '09:00').slice(0, 5) },
        'An audience line can give its own time instead.',
      ),
      optionalInput(
        BLOCK.slackChannels,
        'Slack channels',
        {
          type: 'multi_conversations_select',
          filter: { include: ['public', 'private'], exclude_bot_users: true },
        },
        'Picked channels get the time zone and language below.',
      ),
      optionalInput(
        BLOCK.pickedSettings,
        'Time zone and language of the picked Slack channels',
        { type: 'plain_text_input', placeholder: { type: 'plain_text', text: 'Europe/London en' } },
        'An IANA time zone and a language tag, e.g. "Asia/Jakarta id".',
      ),
      ...(destinations.length
        ? [
            optionalInput(
              BLOCK.destinations,
              'Telegram and Discord destinations',
              {
                type: 'multi_static_select',
                options: destinations.slice(0, 100).map((d) => ({
                  text: {
                    type: 'plain_text',
                    text: truncate(
                      `${d.name} (${PLATFORM_LABEL[d.platform]}, ${d.language}, ${d.timeZone})`,
                      75,
                    ),
                  },
                  value: d.name,
                })),
              },
              'Registered with /campaign channels add.',
            ),
          ]
        : []),
      optionalInput(
        BLOCK.audiences,
        'More audiences',
        {
          type: 'plain_text_input',
          multiline: true,
          max_length: 3000,
          placeholder: { type: 'plain_text', text: 'slack C0123ABCD Europe/London en' },
          ...(initial.audiences?.length ? { initial_value: formatAudiences(initial.audiences) } : {}),
        },
        AUDIENCE_HELP,
      ),
      input(
        BLOCK.messages,
        'Messages',
        {
          type: 'plain_text_input',
          multiline: true,
          max_length: 3000,
          ...(initial.variants &&
          Object.keys(initial.variants).length + (initial.missingLanguages?.length ?? 0)
            ? {
                initial_value: truncate(
                  [
                    formatVariants(initial.variants),
                    ...(initial.missingLanguages ?? []).map((l) => `[${l}]\n`),
                  ]
                    .filter(Boolean)
                    .join('\n\n'),
                  3000,
                ),
              }
            : {}),
        },
        'One section per language, starting with [en], [fr]…; add "image: https://…" for a picture. Plain text: formatting is not applied. Limits after escaping: Discord 2,000, Telegram 4,096, Slack 40,000 characters.',
      ),
    ],
  };
}

export function changesModal(meta: {
  workflowId: string;
  campaignId: string;
  channelId: string;
}): types.ModalView {
  return {
    type: 'modal',
    callback_id: CHANGES_MODAL,
    private_metadata: JSON.stringify(meta),
    title: { type: 'plain_text', text: 'Request changes' },
    submit: { type: 'plain_text', text: 'Send' },
    blocks: [
      {
        type: 'input',
        block_id: 'note',
        label: { type: 'plain_text', text: 'What should change?' },
        element: { type: 'plain_text_input', action_id: INPUT, multiline: true, max_length: 1000 },
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// The campaign card: what will go out where and when, its status, and the buttons while it is open.

function statusLine(state: CampaignRunState): string {
  const who = (id?: string) => (id ? `<@${escapeMrkdwn(id)}>` : 'someone');
  const lines: Record<RunPhase, string> = {
    starting: ':hourglass_flowing_sand: Preparing…',
    awaiting_approval: `:hourglass_flowing_sand: Waiting for a comms lead to approve revision ${state.revision}${state.approvers.length ? `: ${state.approvers.map(who).join(', ')}` : ''}`,
    changes_requested: `:pencil2: Changes requested by ${who(state.changesRequested?.actor)}: ${escapeMrkdwn(state.changesRequested?.note ?? '')}`,
    scheduled: `:white_check_mark: Approved by ${who(state.approvedBy)}; scheduled`,
    completed: completedLine(state),
    cancelled: `:no_entry_sign: Cancelled by ${who(state.cancelled?.actor)}${state.cancelled?.reason ? `: ${escapeMrkdwn(state.cancelled.reason)}` : ''}`,
    expired: ':warning: Not approved in time; nothing was posted for the audiences still waiting',
    duplicate: 'Another run already covers this date',
    skipped: ':fast_forward: Skipped this year; the yearly series goes on',
  };
  return lines[state.phase];
}

/** A finished run says "Sent" only when every audience was reached. */
function completedLine(state: CampaignRunState): string {
  const { runStatus, counts } = summarize(state);
  if (runStatus === 'sent') return ':white_check_mark: Sent';
  if (runStatus === 'partially_sent')
    return `:warning: Partially sent: ${counts.sent} of ${counts.audiences} audiences reached`;
  return `:x: Failed: none of ${counts.audiences} audiences reached`;
}

const PLATFORM_LABEL = { slack: 'Slack', discord: 'Discord', telegram: 'Telegram' } as const;

const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))} s`;

/** "40 s", "25 min", "5 h", "3 days": how far away a send time is, for people. */
export function howLong(ms: number): string {
  if (ms < 90_000) return seconds(ms);
  if (ms < 90 * 60_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 48 * 3_600_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

/** The DM (and, for a reminder, the thread message) that asks the leads to approve. */
export function askText(state: CampaignRunState, ask: ApprovalAsk, where?: string): string {
  const day = findWildlifeDay(state.content.dayId)?.name ?? state.content.dayId;
  const on = day ? `${escapeMrkdwn(day)}, ${state.occurrenceDate}` : state.occurrenceDate;
  const what = `*${escapeMrkdwn(state.content.name)}* (${on})`;
  const card = where ? ` The card is in <#${escapeMrkdwn(where)}>.` : '';
  const due =
    state.content.when?.kind === 'now'
      ? 'it posts as soon as you approve'
      : `the first post is due in ${howLong(ask.firstSendInMs)}`;
  if (ask.kind === 'ask') {
    return `:wave: <@${escapeMrkdwn(state.createdBy)}> asks you to approve ${what}, revision ${state.revision}; ${due}.${card}`;
  }
  return `:alarm_clock: ${what} is still not approved and the first post is due in ${howLong(ask.firstSendInMs)}: ${state.approvers.map((a) => `<@${escapeMrkdwn(a)}>`).join(', ')}.${card}`;
}

/** "retrying, attempt 2, next in 20 s (telegram: 500 Internal Server Error)" */
export function retryingText(r: RetryingPost): string {
  return `retrying, attempt ${r.attempt + 1}, next in ${seconds(r.nextInMs)} (attempt ${r.attempt} failed: ${escapeMrkdwn(truncate(r.error, 200))})`;
}

export function campaignCard(
  state: CampaignRunState,
  workflowId: string,
): { text: string; blocks: types.KnownBlock[] } {
  const day = findWildlifeDay(state.content.dayId);
  const title = `Campaign: ${state.content.name}`;
  const blocks: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title, 150) } },
    {
      type: 'section',
      fields: [
        {
          type: 'mrkdwn',
          // A campaign for no wildlife day is known by its date alone.
          text: state.content.dayId
            ? `*Day*\n${escapeMrkdwn(day?.name ?? state.content.dayId)}, ${state.occurrenceDate}`
            : `*Date*\n${state.occurrenceDate}`,
        },
        { type: 'mrkdwn', text: `*Status*\n${statusLine(state)}` },
        {
          type: 'mrkdwn',
          text: `*When*\n${escapeMrkdwn(describeWhen(state.content.when ?? { kind: 'day', repeat: 'yearly', daysBefore: 0 }))}`,
        },
      ],
    },
  ];
  const delivered = new Map(state.deliveries.map((d) => [d.audienceKey, d]));
  const audienceLines = state.plan.map((p) => {
    const d = delivered.get(p.audienceKey);
    const retrying = state.retrying?.[p.audienceKey];
    const when = `${localDateOf(p.sendAt, p.timeZone)} ${localTime(p.sendAt, p.timeZone).slice(0, 5)} ${escapeMrkdwn(p.timeZone)}`;
    const outcome = !d
      ? retrying
        ? ` · :repeat: ${retryingText(retrying)}`
        : ''
      : d.status === 'sent'
        ? ` · :white_check_mark: sent (id ${escapeMrkdwn(d.messageId ?? '')})`
        : ` · :warning: ${d.status}: ${escapeMrkdwn(truncate(d.error ?? '', 200))}`;
    return `• ${PLATFORM_LABEL[p.platform]} \`${escapeMrkdwn(p.target)}\` · ${escapeMrkdwn(p.language)} · ${when}${outcome}`;
  });
  blocks.push({
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(`*Audiences*\n${audienceLines.join('\n') || '_none_'}`, 2900) },
  });
  for (const [lang, v] of Object.entries(state.content.variants)) {
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `*[${escapeMrkdwn(lang)}]* ${escapeMrkdwn(v.text)}${v.imageUrl ? `\n_image:_ ${escapeMrkdwn(v.imageUrl)}` : ''}`,
          2900,
        ),
      },
    });
  }
  blocks.push({
    type: 'context',
    elements: [
      { type: 'mrkdwn', text: `campaign \`${escapeMrkdwn(state.campaignId)}\` · revision ${state.revision}` },
    ],
  });
  const open =
    state.phase === 'awaiting_approval' || state.phase === 'changes_requested' || state.phase === 'scheduled';
  if (open) {
    const value = JSON.stringify({ c: state.campaignId, w: workflowId, r: state.revision });
    const elements: types.Button[] = [];
    if (state.approvedRevision !== state.revision) {
      elements.push(
        {
          type: 'button',
          action_id: ACTION_CAMPAIGN_APPROVE,
          style: 'primary',
          text: { type: 'plain_text', text: 'Approve' },
          value,
          confirm: {
            title: { type: 'plain_text', text: 'Approve this campaign?' },
            text: {
              type: 'plain_text',
              text: truncate(approveConfirmText(state), 300),
            },
            confirm: { type: 'plain_text', text: 'Approve' },
            deny: { type: 'plain_text', text: 'Not yet' },
          },
        },
        {
          type: 'button',
          action_id: ACTION_CAMPAIGN_CHANGES,
          text: { type: 'plain_text', text: 'Request changes' },
          value,
        },
      );
    }
    elements.push({
      type: 'button',
      action_id: ACTION_CAMPAIGN_CANCEL,
      style: 'danger',
      text: { type: 'plain_text', text: 'Cancel campaign' },
      value,
      confirm: {
        title: { type: 'plain_text', text: 'Cancel this campaign?' },
        text: {
          type: 'plain_text',
          text: 'Nothing more will be posted, and the yearly schedule is removed.',
        },
        confirm: { type: 'plain_text', text: 'Cancel campaign' },
        deny: { type: 'plain_text', text: 'Keep it' },
      },
    });
    blocks.push({ type: 'actions', block_id: 'campaign_actions', elements });
  }
  return { text: truncate(`${escapeMrkdwn(title)}: ${statusLine(state)}`, 3000), blocks };
}

function approveConfirmText(state: CampaignRunState): string {
  const when = state.content.when;
  const sendDates = [...new Set(state.plan.map((p) => localDateOf(p.sendAt, p.timeZone)))].join(', ');
  const on = when?.kind === 'now' ? 'as soon as you approve' : `on ${sendDates}`;
  const yearly =
    when?.kind === 'day' && when.repeat === 'yearly'
      ? ' Next year’s run will ask for approval again.'
      : ' This approval covers this date only.';
  return `It will be posted to ${state.plan.length} audiences ${on}.${yearly}`;
}

export function summaryText(state: CampaignRunState): string {
  const { counts } = summarize(state);
  const head = `*${escapeMrkdwn(state.content.name)}* (${state.occurrenceDate}): ${counts.sent} of ${counts.audiences} audiences reached`;
  const problems = state.deliveries
    .filter((d) => d.status !== 'sent')
    .map(
      (d) =>
        `• ${PLATFORM_LABEL[d.platform]} \`${escapeMrkdwn(d.target)}\`: ${d.status}, ${escapeMrkdwn(truncate(d.error ?? '', 300))}`,
    );
  const extra = state.phase === 'cancelled' ? '\nThe campaign was cancelled.' : '';
  return truncate([head + extra, ...problems].join('\n'), 3000);
}

/** Keeps one card per run in the comms channel, and puts the delivery summary in its thread. */
export function createSlackCampaignNotifier(
  client: webApi.WebClient,
  defaultChannel: string,
): CampaignNotifier {
  return {
    async showRun(state, { workflowId }) {
      const card = campaignCard(state, workflowId);
      if (state.preview) {
        await client.chat.update({ channel: state.preview.channel, ts: state.preview.ts, ...card });
        return state.preview;
      }
      const channel = state.content.reportChannel ?? defaultChannel;
      const res = await client.chat.postMessage({
        channel,
        ...card,
        unfurl_links: false,
        unfurl_media: false,
      });
      return { channel: String(res.channel), ts: String(res.ts) };
    },
    async askApprovers(state, _run, ask) {
      // A DM reaches a lead who does not watch the comms channel; a reminder also goes in the card's thread.
      const where = state.preview?.channel;
      if (ask.kind === 'reminder' && state.preview) {
        await client.chat.postMessage({
          channel: state.preview.channel,
          thread_ts: state.preview.ts,
          text: askText(state, ask),
          unfurl_links: false,
        });
      }
      for (const lead of state.approvers) {
        const dm = await client.conversations.open({ users: lead });
        if (!dm.channel?.id) continue;
        await client.chat.postMessage({
          channel: dm.channel.id,
          text: askText(state, ask, where),
          unfurl_links: false,
        });
      }
    },
    async reportProblem(state, _run, problem) {
      if (!state.preview) return;
      await client.chat.postMessage({
        channel: state.preview.channel,
        thread_ts: state.preview.ts,
        text: `:warning: ${PLATFORM_LABEL[problem.platform]} \`${escapeMrkdwn(problem.target)}\`: ${retryingText(problem)}`,
        unfurl_links: false,
      });
    },
    async reportSummary(state) {
      const channel = state.preview?.channel ?? state.content.reportChannel ?? defaultChannel;
      await client.chat.postMessage({
        channel,
        text: summaryText(state),
        ...(state.preview ? { thread_ts: state.preview.ts } : {}),
        unfurl_links: false,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Handlers.

export type CampaignHandlerUseCases = Pick<
  CampaignUseCases,
  | 'draftFor'
  | 'createCampaign'
  | 'editCampaign'
  | 'approveCampaign'
  | 'requestChanges'
  | 'cancelCampaign'
  | 'findCampaign'
  | 'overview'
  | 'skipOccurrence'
  | 'calendar'
  | 'addDestination'
  | 'listDestinations'
>;

/** `/campaign calendar`: one line per planned post, earliest first, with its local time and status. */
export function calendarText(entries: CalendarEntry[], days = 90): string {
  if (entries.length === 0) return `Nothing is planned in the next ${days} days.`;
  const lines = entries.map((e) => {
    const at =
      e.status === 'on approval'
        ? 'as soon as approved'
        : `${localDateOf(e.sendAt, e.timeZone)} ${localTime(e.sendAt, e.timeZone).slice(0, 5)} ${escapeMrkdwn(e.timeZone)}`;
    const status =
      e.startsOn && e.status === 'not started' ? `asks for approval from ${e.startsOn}` : e.status;
    return `${at} · ${PLATFORM_LABEL[e.platform]} \`${escapeMrkdwn(e.target)}\` · *${escapeMrkdwn(e.name)}* \`${escapeMrkdwn(e.campaignId)}\` · ${status}`;
  });
  return truncate(`*Planned posts, next ${days} days*\n${lines.join('\n')}`, 3000);
}

/** One line per campaign and run: status, and how many audiences each run reached. */
export function overviewText(items: Awaited<ReturnType<CampaignUseCases['overview']>>): string {
  if (items.length === 0) return 'No campaigns yet. Start one with `/campaign`.';
  const lines = items.map(({ campaign, runs }) => {
    const head = `*${escapeMrkdwn(campaign.name)}* \`${escapeMrkdwn(campaign.id)}\` · ${campaign.status.replace('_', ' ')}`;
    const runLines = runs.map((r) => {
      const counts = r.summary as { sent?: number; audiences?: number } | null;
      const reach = counts?.audiences ? `, ${counts.sent ?? 0}/${counts.audiences} audiences reached` : '';
      return `    ${r.occurrenceDate}: ${r.status.replace('_', ' ')}${reach}`;
    });
    return [head, ...runLines].join('\n');
  });
  return truncate(lines.join('\n'), 3000);
}

export interface CampaignHandlerDeps {
  useCases: CampaignHandlerUseCases;
  /** Approvals, change requests and cancellations are stored here before Slack gets its ack. */
  inbox: Inbox;
}

export const CAMPAIGN_INBOX_KIND = 'slack.campaign';

const campaignEntrySchema = z.object({
  requestId: z.string().min(1).max(300),
  user: z.string().min(1).max(100),
  channel: z.string().max(100).optional(),
  command: z.discriminatedUnion('op', [
    z.object({ op: z.literal('approve'), workflowId: z.string().max(300), revision: z.number().int() }),
    z.object({ op: z.literal('changes'), workflowId: z.string().max(300), note: z.string().max(5000) }),
    z.object({ op: z.literal('cancel'), workflowId: z.string().max(300), campaignId: z.string().max(300) }),
    z.object({
      op: z.literal('destination'),
      name: z.string().max(100),
      platform: z.string().max(20),
      target: z.string().max(100),
      timeZone: z.string().max(100),
      language: z.string().max(40),
    }),
    z.object({
      op: z.literal('skip'),
      campaignId: z.string().max(300),
      when: z.string().regex(/^\d{4}(-\d{2}-\d{2})?$/),
    }),
  ]),
});
type CampaignEntry = z.infer<typeof campaignEntrySchema>;
type CampaignOutcome = { ok: true; note?: string } | { ok: false; reason: string };

const CAMPAIGN_REFUSAL = {
  approve: 'Not approved',
  changes: 'Your request was not sent',
  cancel: 'Not cancelled',
  skip: 'Not skipped',
  destination: 'Not registered',
};

/** Applies a stored campaign move (the request id is the Temporal update id) and tells a refusal. */
function campaignInboxHandler(
  useCases: CampaignHandlerUseCases,
  client: webApi.WebClient,
): InboxHandler<CampaignEntry, CampaignOutcome> {
  return {
    schema: campaignEntrySchema,
    async apply({ requestId, user: actor, command: c }) {
      if (c.op === 'destination') {
        const { op: _op, ...destination } = c;
        const added = await useCases.addDestination({ actor, destination });
        return added.ok
          ? {
              ok: true,
              note: `Registered ${added.value.name}: ${added.value.platform} ${added.value.target} (${added.value.timeZone}, ${added.value.language}). Pick it in /campaign.`,
            }
          : {
              ok: false,
              reason: [
                added.reason,
                ...Object.entries(added.fields ?? {}).map(([k, v]) => `${k}: ${v}`),
              ].join('; '),
            };
      }
      if (c.op === 'skip') {
        const skipped = await useCases.skipOccurrence({
          campaignId: c.campaignId,
          actor,
          when: c.when,
          requestId,
        });
        return skipped.ok
          ? { ok: true, note: `Skipped ${skipped.value.occurrenceDate}; the yearly series goes on.` }
          : { ok: false, reason: skipped.reason };
      }
      const result =
        c.op === 'approve'
          ? await useCases.approveCampaign({
              workflowId: c.workflowId,
              actor,
              revision: c.revision,
              requestId,
            })
          : c.op === 'changes'
            ? await useCases.requestChanges({ workflowId: c.workflowId, actor, note: c.note, requestId })
            : await useCases.cancelCampaign({
                campaignId: c.campaignId,
                workflowId: c.workflowId,
                actor,
                reason: `cancelled in Slack by ${actor}`,
                requestId,
              });
      return result.ok ? { ok: true } : { ok: false, reason: result.reason };
    },
    async tell(e, outcome) {
      // A success shows on the campaign card, which the workflow keeps current (a skip says so itself).
      if (!e.channel || (outcome.ok && !outcome.note)) return;
      await client.chat.postEphemeral({
        channel: e.channel,
        user: e.user,
        text: outcome.ok
          ? escapeMrkdwn(outcome.note ?? '')
          : `${CAMPAIGN_REFUSAL[e.command.op]}: ${escapeMrkdwn(outcome.reason)}`,
      });
    },
  };
}

interface ButtonValue {
  c: string;
  w: string;
  r: number;
}

function readButton(value: string | undefined): ButtonValue | undefined {
  try {
    const v = JSON.parse(value ?? '') as Partial<ButtonValue>;
    return typeof v.c === 'string' && typeof v.w === 'string' && typeof v.r === 'number'
      ? (v as ButtonValue)
      : undefined;
  } catch {
    return undefined;
  }
}

function readMetadata<T>(raw: string): T | undefined {
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}

const USAGE = [
  '`/campaign` plan a campaign for a wildlife day',
  '`/campaign <day-id> [languages]` start from the day’s template, e.g. `/campaign world-pangolin-day en,fr,id`',
  '`/campaign edit <campaign-id>` change a campaign before it goes out',
  '`/campaign days [year]` list the wildlife days and their dates',
  '`/campaign list` every campaign, and what each run delivered',
  '`/campaign calendar` every post planned in the next 90 days, across channels',
  '`/campaign channels [add <name> <telegram|discord> <chat or channel id> <time-zone> <language>]` destinations picked by name',
  '`/campaign skip <campaign-id> <year or YYYY-MM-DD>` skip one year of a yearly campaign',
].join('\n');

export function registerCampaignHandlers(app: App, deps: CampaignHandlerDeps): void {
  const { useCases, inbox } = deps;
  inbox.register(CAMPAIGN_INBOX_KIND, campaignInboxHandler(useCases, app.client));
  /** Stores the move, acknowledges, then applies it. */
  const recordMove = async (ack: () => Promise<void>, entry: CampaignEntry) => {
    const job = await inbox.record(CAMPAIGN_INBOX_KIND, entry.requestId, entry);
    await ack();
    await job.run();
  };

  app.command(CAMPAIGN_COMMAND, async ({ ack, command, client, respond }) => {
    const [sub = '', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    if (sub === 'help') {
      await ack({ response_type: 'ephemeral', text: USAGE });
      return;
    }
    if (sub === 'list') {
      await ack({ response_type: 'ephemeral', text: overviewText(await useCases.overview()) });
      return;
    }
    if (sub === 'channels' && args[0] === 'add') {
      const [, name = '', platform = '', target = '', timeZone = '', language = ''] = args;
      // Registering changes what the modal offers: stored before the ack, like a click.
      await recordMove(() => ack(), {
        requestId: `slack:${command.trigger_id}`,
        user: command.user_id,
        channel: command.channel_id,
        command: { op: 'destination', name, platform, target, timeZone, language },
      });
      return;
    }
    if (sub === 'channels') {
      const list = await useCases.listDestinations();
      const lines = list.map(
        (d) =>
          `\`${escapeMrkdwn(d.name)}\` · ${PLATFORM_LABEL[d.platform]} \`${escapeMrkdwn(d.target)}\` · ${escapeMrkdwn(d.timeZone)} · ${escapeMrkdwn(d.language)}`,
      );
      await ack({
        response_type: 'ephemeral',
        text: list.length
          ? truncate(`*Registered destinations*\n${lines.join('\n')}`, 3000)
          : 'No destinations yet. Register one with `/campaign channels add <name> <telegram|discord> <chat or channel id> <time-zone> <language>`.',
      });
      return;
    }
    if (sub === 'calendar') {
      await ack({ response_type: 'ephemeral', text: calendarText(await useCases.calendar(90)) });
      return;
    }
    if (sub === 'skip') {
      const [campaignId = '', when = ''] = args;
      if (!/^\d{4}(-\d{2}-\d{2})?$/.test(when) || !campaignId) {
        await ack({ response_type: 'ephemeral', text: `Say which campaign and year. ${USAGE}` });
        return;
      }
      // A skip changes what gets posted: stored before the ack, like a click.
      await recordMove(() => ack(), {
        requestId: `slack:${command.trigger_id}`,
        user: command.user_id,
        channel: command.channel_id,
        command: { op: 'skip', campaignId, when },
      });
      return;
    }
    if (sub === 'days') {
      const year = /^\d{4}$/.test(args[0] ?? '') ? Number(args[0]) : new Date().getUTCFullYear();
      const lines = calendarForYear(year).map((e) => `${e.date}  ${e.name}  \`${e.id}\``);
      await ack({
        response_type: 'ephemeral',
        text: truncate(`*Wildlife days ${year}*\n${lines.join('\n')}`, 3000),
      });
      return;
    }
    await ack();
    const meta: ModalMetadata = { mode: 'create', channelId: command.channel_id };
    let initial: Partial<CampaignContent> & { missingLanguages?: string[] } = {};
    if (sub === 'edit') {
      const campaign = args[0] ? await useCases.findCampaign(args[0]) : undefined;
      if (!campaign) {
        await respond({
          response_type: 'ephemeral',
          text: `No campaign \`${escapeMrkdwn(args[0] ?? '')}\`. ${USAGE}`,
        });
        return;
      }
      if (formatVariants(campaign.variants).length > MODAL_TEXT_LIMIT) {
        // The modal's text box would cut the messages short, and saving would lose the rest.
        await respond({
          response_type: 'ephemeral',
          text: `The messages of \`${escapeMrkdwn(campaign.id)}\` are longer than Slack's ${MODAL_TEXT_LIMIT.toLocaleString('en-US')}-character text box; edit them with the command line.`,
        });
        return;
      }
      meta.mode = 'edit';
      meta.campaignId = campaign.id;
      initial = campaign;
    } else if (sub) {
      const languages = (args[0] ?? 'en').split(',').filter(Boolean);
      const draft = useCases.draftFor(sub, languages);
      if (!draft) {
        await respond({
          response_type: 'ephemeral',
          text: `Unknown wildlife day \`${escapeMrkdwn(sub)}\`. ${USAGE}`,
        });
        return;
      }
      initial = draft;
    }
    const destinations = await useCases.listDestinations();
    await client.views.open({
      trigger_id: command.trigger_id,
      view: campaignModal(meta, initial, destinations),
    });
    if (initial.missingLanguages?.length) {
      // Said plainly, not papered over with English: the empty sections must be written before saving.
      const missing = initial.missingLanguages.map((l) => `[${escapeMrkdwn(l)}]`).join(', ');
      await respond({
        response_type: 'ephemeral',
        text: `There is no template in ${missing}: write ${initial.missingLanguages.length > 1 ? 'those messages' : 'that message'} in the empty section of the form. Templates exist in ${TEMPLATE_LANGUAGES.join(', ')}.`,
      });
    }
  });

  app.view(CAMPAIGN_MODAL, async ({ ack, view, body, client }) => {
    const meta = readMetadata<ModalMetadata>(view.private_metadata);
    if (!meta) {
      await ack({
        response_action: 'errors',
        errors: { [BLOCK.name]: 'This form has expired; run /campaign again.' },
      });
      return;
    }
    const { content, errors } = readCampaignModal(
      view.state.values as ViewState,
      meta.channelId,
      await useCases.listDestinations(),
    );
    if (!content) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const actor = body.user.id;
    const result =
      meta.mode === 'edit' && meta.campaignId
        ? await useCases.editCampaign({
            campaignId: meta.campaignId,
            actor,
            content,
            requestId: `slack:${view.id}:${view.hash}`,
          })
        : await useCases.createCampaign({ actor, content });
    if (!result.ok) {
      await client.chat.postEphemeral({
        channel: meta.channelId,
        user: actor,
        text: `The campaign was not saved: ${escapeMrkdwn(result.reason)}`,
      });
    }
  });

  /** A campaign card's button: stored as its move before the ack (an unreadable one is only acked). */
  const onCampaignButton = (
    actionId: string,
    toCommand: (v: NonNullable<ReturnType<typeof readButton>>) => CampaignEntry['command'],
  ) => {
    app.action(actionId, async ({ ack, body, action }) => {
      const v =
        body.type === 'block_actions' && action.type === 'button' && 'action_ts' in action
          ? readButton(action.value)
          : undefined;
      if (!v || body.type !== 'block_actions' || !('action_ts' in action)) return ack();
      await recordMove(ack, {
        requestId: `slack:${action.action_ts}:${body.user.id}`,
        user: body.user.id,
        ...(body.channel ? { channel: body.channel.id } : {}),
        command: toCommand(v),
      });
    });
  };

  onCampaignButton(ACTION_CAMPAIGN_APPROVE, (v) => ({ op: 'approve', workflowId: v.w, revision: v.r }));

  app.action(ACTION_CAMPAIGN_CHANGES, async ({ ack, body, action, client }) => {
    await ack();
    if (body.type !== 'block_actions' || action.type !== 'button') return;
    const v = readButton(action.value);
    if (!v) return;
    await client.views.open({
      trigger_id: body.trigger_id,
      view: changesModal({ workflowId: v.w, campaignId: v.c, channelId: body.channel?.id ?? '' }),
    });
  });

  app.view(CHANGES_MODAL, async ({ ack, view, body }) => {
    const meta = readMetadata<{ workflowId: string; campaignId: string; channelId: string }>(
      view.private_metadata,
    );
    const note = view.state.values.note?.[INPUT]?.value?.trim() ?? '';
    if (!meta || !note) {
      await ack({ response_action: 'errors', errors: { note: 'Say what should change.' } });
      return;
    }
    await recordMove(ack, {
      requestId: `slack:${view.id}:${view.hash}`,
      user: body.user.id,
      ...(meta.channelId ? { channel: meta.channelId } : {}),
      command: { op: 'changes', workflowId: meta.workflowId, note },
    });
  });

  onCampaignButton(ACTION_CAMPAIGN_CANCEL, (v) => ({ op: 'cancel', workflowId: v.w, campaignId: v.c }));
}
