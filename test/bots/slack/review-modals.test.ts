import { describe, expect, it } from 'vitest';
import {
  noteModal,
  readModalContext,
  readNoteForm,
  readRejectForm,
  rejectModal,
} from '../../../bots/slack/review-modals.ts';

const text = (value: string) => ({ value: { value } });
const select = (value: string) => ({ value: { selected_option: { value } } });

describe('review modals', () => {
  it('carries the case and channel in private_metadata and refuses tampered metadata', () => {
    const view = rejectModal({ caseId: 'case-1', channel: 'C1' });
    expect(readModalContext(view.private_metadata)).toEqual({ caseId: 'case-1', channel: 'C1' });
    expect(readModalContext('{"caseId": 7}')).toBeUndefined();
    expect(readModalContext('not json')).toBeUndefined();
    expect(noteModal({ caseId: 'c' }).callback_id).toBe('case_note_modal');
  });

  it('validates the reject form: a known reason code, an optional note', () => {
    expect(readRejectForm({ values: { reason: select('imitation'), note: text('  resin ') } })).toEqual({
      ok: true,
      value: { reasonCode: 'imitation', note: 'resin' },
    });
    const bad = readRejectForm({ values: { reason: select('because'), note: text('') } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && Object.keys(bad.errors)).toEqual(['reason']);
  });

  it('needs a note or a code word, and a real language tag', () => {
    expect(readNoteForm({ values: { note: text(''), code_word: text('') } }).ok).toBe(false);
    const lang = readNoteForm({
      values: { code_word: text('white gold'), language: text('english please') },
    });
    expect(!lang.ok && lang.errors).toEqual({ language: expect.any(String) });
    expect(readNoteForm({ values: { code_word: text('white gold'), language: text('en') } })).toEqual({
      ok: true,
      value: { codeWord: 'white gold', language: 'en' },
    });
    expect(readNoteForm({ values: { note: text('bad\u0007bell') } }).ok).toBe(false);
  });
});
