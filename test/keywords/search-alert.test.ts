// GET /v1/search-alert is answered by the pure searchAlert(query) from api/routes/search-alert.ts.
import { describe, expect, it } from 'vitest';
import { type SearchAlertBody, searchAlert } from '../../api/routes/search-alert.ts';

const ask = (q: string) => {
  const r = searchAlert(new URLSearchParams(q));
  return { status: r.status, body: r.body as SearchAlertBody & { error?: string } };
};

describe('searchAlert', () => {
  it('alerts on a wildlife product and localises the message to the requested language', () => {
    const { status, body } = ask('q=rhino+horn&lang=fr');
    expect(status).toBe(200);
    expect(body.alert).toBe(true);
    expect(body.message?.language).toBe('fr');
    expect(body.matched.map((m) => m.species)).toContain('rhinoceros');
  });

  it('falls back to the matched term language, then English', () => {
    expect(ask(`q=${encodeURIComponent('sừng tê giác')}`).body.message?.language).toBe('vi');
    expect(ask('q=pangolin+scales&lang=xx').body.message?.language).toBe('en');
  });

  it('alerts on a species next to a commerce word, not on the species alone', () => {
    expect(ask('q=tiger').body.alert).toBe(false);
    expect(ask('q=buy+tiger').body.alert).toBe(true);
    expect(ask('q=%23slothselfie').body.alert).toBe(true);
  });

  it('does not alert on lookalikes', () => {
    expect(ask('q=ivory+dress').body.alert).toBe(false);
    expect(ask('q=tiger+balm').body.alert).toBe(false);
    expect(ask('q=weather+tomorrow').body).toMatchObject({ alert: false, matched: [] });
  });

  it('rejects missing, empty, oversized and control-character queries with 400', () => {
    expect(ask('').status).toBe(400);
    expect(ask('q=').status).toBe(400);
    expect(ask(`q=${'a'.repeat(201)}`).status).toBe(400);
    expect(ask('q=a%00b').status).toBe(400);
    expect(ask('q=ivory&lang=not a tag').status).toBe(400);
  });
});
