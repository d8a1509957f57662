// The digest's chart as SVG (daily flagged and removed listings), rendered to PNG with sharp. Labels come
// from dates and numbers only, and are escaped anyway.
import sharp from 'sharp';
import type { Breakdown } from '../../shared/metrics/listings.ts';
import { escapeHtml } from '../../shared/metrics/report.ts';

const W = 720;
const H = 320;
const PAD = { left: 48, right: 16, top: 40, bottom: 44 };

export function digestChartSvg(series: Breakdown[], title: string): string {
  const max = Math.max(1, ...series.flatMap((s) => [s.counts.flagged, s.counts.removed]));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, series.length);
  const bar = Math.max(2, slot * 0.35);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const bars = series
    .map((s, i) => {
      const x = PAD.left + i * slot + slot * 0.1;
      return [
        `<rect class="flagged" x="${x.toFixed(1)}" y="${y(s.counts.flagged).toFixed(1)}" width="${bar.toFixed(1)}" height="${(PAD.top + plotH - y(s.counts.flagged)).toFixed(1)}" fill="#e0a526"/>`,
        `<rect class="removed" x="${(x + bar).toFixed(1)}" y="${y(s.counts.removed).toFixed(1)}" width="${bar.toFixed(1)}" height="${(PAD.top + plotH - y(s.counts.removed)).toFixed(1)}" fill="#1f4d36"/>`,
        `<text x="${(x + bar).toFixed(1)}" y="${H - PAD.bottom + 16}" font-size="11" text-anchor="middle">${escapeHtml(s.key.slice(5))}</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#ffffff"/>
<text x="${PAD.left}" y="24" font-size="15" font-weight="bold">${escapeHtml(title)}</text>
<line x1="${PAD.left}" y1="${PAD.top + plotH}" x2="${W - PAD.right}" y2="${PAD.top + plotH}" stroke="#555"/>
<text x="${PAD.left - 6}" y="${PAD.top + 4}" font-size="11" text-anchor="end">${max}</text>
<text x="${PAD.left - 6}" y="${PAD.top + plotH}" font-size="11" text-anchor="end">0</text>
${bars}
<rect x="${W - 200}" y="12" width="12" height="12" fill="#e0a526"/><text x="${W - 184}" y="22" font-size="12">flagged</text>
<rect x="${W - 120}" y="12" width="12" height="12" fill="#1f4d36"/><text x="${W - 104}" y="22" font-size="12">removed</text>
</svg>`;
}

export function renderPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 144 }).png().toBuffer();
}
