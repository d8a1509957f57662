// Modals of the review journey: reject with a reason code, ask for information, and add a note or propose
// a new code word for the keyword library. The case id and the card's channel travel in private_metadata;
// submitted values are validated with zod before any use case sees them.
import type { types } from '@slack/bolt';
import { z } from 'zod';
import { safeString, safeText } from '../../shared/text.ts';
import { REJECT_REASONS, type RejectReason } from '../../workflows/review/rules.ts';

export const MODAL_REJECT = 'case_reject_modal';
export const MODAL_REQUEST_INFO = 'case_info_modal';
export const MODAL_NOTE = 'case_note_modal';

export interface ModalContext {
  caseId: string;
  channel?: string | undefined;
}

const contextSchema = z.object({
  caseId: safeString().min(1).max(200),
  channel: safeString().max(50).optional(),
});

export function readModalContext(privateMetadata: string | undefined): ModalContext | undefined {
  try {
    const parsed = contextSchema.safeParse(JSON.parse(privateMetadata ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const plain = (text: string) => ({ type: 'plain_text' as const, text });

function textInput(
  blockId: string,
  label: string,
  opts: { optional?: boolean; multiline?: boolean; max?: number },
) {
  return {
    type: 'input' as const,
    block_id: blockId,
    optional: opts.optional ?? false,
    label: plain(label),
    element: {
      type: 'plain_text_input' as const,
      action_id: 'value',
      multiline: opts.multiline ?? false,
      max_length: opts.max ?? 3000,
    },
  };
}

function modal(
  callbackId: string,
  title: string,
  submit: string,
  ctx: ModalContext,
  blocks: types.KnownBlock[],
): types.ModalView {
  return {
    type: 'modal',
    callback_id: callbackId,
    private_metadata: JSON.stringify(ctx),
    title: plain(title),
    submit: plain(submit),
    close: plain('Cancel'),
    blocks,
  };
}

export function rejectModal(ctx: ModalContext): types.ModalView {
  return modal(MODAL_REJECT, 'Reject the case', 'Reject', ctx, [
    {
      type: 'input',
      block_id: 'reason',
      label: plain('Reason'),
      element: {
        type: 'static_select',
        action_id: 'value',
        options: Object.entries(REJECT_REASONS).map(([value, text]) => ({ value, text: plain(text) })),
      },
    },
    textInput('note', 'Note (optional)', { optional: true, multiline: true }),
  ]);
}

export function requestInfoModal(ctx: ModalContext): types.ModalView {
  return modal(MODAL_REQUEST_INFO, 'Ask for information', 'Ask', ctx, [
    textInput('question', 'What do you need to know?', { multiline: true, max: 1000 }),
  ]);
}

export function noteModal(ctx: ModalContext): types.ModalView {
  return modal(MODAL_NOTE, 'Note or code word', 'Save', ctx, [
    textInput('note', 'Note', { optional: true, multiline: true }),
    textInput('code_word', 'New code word for the keyword library', { optional: true, max: 200 }),
    textInput('language', 'Language of the code word (e.g. en, vi, zh-Hans)', { optional: true, max: 20 }),
    textInput('species', 'Species it stands for', { optional: true, max: 200 }),
  ]);
}

export type ViewState = {
  values: Record<
    string,
    Record<string, { value?: string | null; selected_option?: { value: string } | null }>
  >;
};

function value(state: ViewState, block: string): string | undefined {
  const v = state.values[block]?.value;
  const raw = v?.selected_option?.value ?? v?.value ?? undefined;
  const trimmed = raw?.trim();
  return trimmed ? trimmed : undefined;
}

const text = (max: number) => safeText().max(max);

const rejectForm = z.object({
  reasonCode: z.enum(Object.keys(REJECT_REASONS) as [RejectReason, ...RejectReason[]]),
  note: text(3000).optional(),
});
const infoForm = z.object({ question: text(1000).min(1) });
const noteForm = z
  .object({
    note: text(3000).optional(),
    codeWord: text(200).optional(),
    language: safeString()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'use a language tag like en or zh-Hans')
      .optional(),
    species: text(200).optional(),
  })
  .refine((f) => f.note || f.codeWord, 'write a note or a code word');

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

function parse<T>(
  schema: z.ZodType<T>,
  input: unknown,
  blockFor: Record<string, string>,
  fallback: string,
): Parsed<T> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const errors: Record<string, string> = {};
  for (const issue of r.error.issues) {
    const block = blockFor[String(issue.path[0] ?? '')] ?? fallback;
    errors[block] ??= issue.message;
  }
  return { ok: false, errors };
}

export const readRejectForm = (s: ViewState) =>
  parse(
    rejectForm,
    { reasonCode: value(s, 'reason'), note: value(s, 'note') },
    { reasonCode: 'reason', note: 'note' },
    'reason',
  );
export const readInfoForm = (s: ViewState) =>
  parse(infoForm, { question: value(s, 'question') ?? '' }, { question: 'question' }, 'question');
export const readNoteForm = (s: ViewState) =>
  parse(
    noteForm,
    {
      note: value(s, 'note'),
      codeWord: value(s, 'code_word'),
      language: value(s, 'language'),
      species: value(s, 'species'),
    },
    { note: 'note', codeWord: 'code_word', language: 'language', species: 'species' },
    'note',
  );
