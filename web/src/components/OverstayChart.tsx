import { useId } from 'react';
import { formatPercent } from '../format';
import type { ReportRow } from '../types';
import { rateText, reportKeyLabel } from './ReportTable';

/** Axis maxima (as percentages) and their tick steps; the smallest that holds the largest rate is used. */
const SCALES: readonly (readonly [number, number])[] = [
  [1, 0.25],
  [2, 0.5],
  [5, 1],
  [10, 2],
  [20, 5],
  [25, 5],
  [50, 10],
  [100, 20],
];

const WIDTH = 720;
const LABEL_W = 150;
const VALUE_W = 110;
const PLOT_W = WIDTH - LABEL_W - VALUE_W - 10;
const TOP = 30;
const ROW_H = 32;
const BAR_H = 20;

function scaleFor(rows: ReportRow[]): { max: number; ticks: number[] } {
  const largest = Math.max(0, ...rows.map((r) => (r.totalOverstayRate ?? 0) * 100));
  const [max, step] = SCALES.find(([m]) => largest <= m) ?? [100, 20];
  const ticks: number[] = [];
  for (let t = 0; t <= max + 1e-9; t += step) ticks.push(t);
  return { max, ticks };
}

/** What the chart shows, in words: every bar for a short list, a summary for a long one. */
function describe(rows: ReportRow[], fiscalYear: number): string {
  const head = `Bar chart: total overstay rate by class of admission, fiscal year ${fiscalYear}.`;
  const tail = 'The same figures are in the table “By class of admission” below.';
  if (rows.length <= 12) {
    return `${head} ${rows.map((r) => `${reportKeyLabel(r)}: ${rateText(r)}`).join('; ')}. ${tail}`;
  }
  const shown = rows.filter((r) => r.totalOverstayRate !== null);
  const top = [...shown].sort((a, b) => (b.totalOverstayRate ?? 0) - (a.totalOverstayRate ?? 0))[0];
  const hidden = rows.length - shown.length;
  return [
    head,
    `${rows.length} classes of admission.`,
    top && top.totalOverstayRate !== null
      ? `Highest: ${reportKeyLabel(top)} at ${formatPercent(top.totalOverstayRate)}.`
      : '',
    hidden ? `${hidden} suppressed.` : '',
    tail,
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * Total overstay rate by class of admission for one fiscal year, drawn as horizontal bars. A
 * suppressed rate is a hatched, labelled band across the whole track (its value is unknown, not
 * zero); every bar carries its value as text, so nothing rests on colour.
 */
export function OverstayChart({ rows, fiscalYear }: { rows: ReportRow[]; fiscalYear: number }) {
  const hatch = `hatch-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const { max, ticks } = scaleFor(rows);
  const height = TOP + rows.length * ROW_H + 8;
  const x = (percent: number) => LABEL_W + (percent / max) * PLOT_W;

  return (
    <figure className="passage-chart margin-x-0">
      {/* Narrow screens scroll the chart sideways rather than shrink its text; keyboard users can too. */}
      <div className="passage-chart__scroll" tabIndex={0} role="group" aria-label="Chart, scrolls sideways">
        <svg
          role="img"
          aria-label={describe(rows, fiscalYear)}
          viewBox={`0 0 ${WIDTH} ${height}`}
          className="passage-chart__svg"
          data-testid="overstay-chart"
        >
          <defs>
            <pattern
              id={hatch}
              width="8"
              height="8"
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <rect width="8" height="8" className="passage-chart__hatch-bg" />
              <line x1="0" y1="0" x2="0" y2="8" className="passage-chart__hatch-line" />
            </pattern>
          </defs>
          {ticks.map((t) => (
            <g key={t}>
              <line x1={x(t)} x2={x(t)} y1={TOP - 6} y2={height - 8} className="passage-chart__grid" />
              <text x={x(t)} y={TOP - 12} textAnchor="middle" className="passage-chart__tick">
                {`${t}%`}
              </text>
            </g>
          ))}
          {rows.map((row, i) => {
            const y = TOP + i * ROW_H + (ROW_H - BAR_H) / 2;
            const mid = y + BAR_H / 2;
            const rate = row.totalOverstayRate;
            return (
              <g
                key={row.key}
                data-testid="chart-bar"
                data-key={row.key}
                data-suppressed={rate === null ? 'true' : 'false'}
              >
                <text
                  x={LABEL_W - 8}
                  y={mid}
                  textAnchor="end"
                  dominantBaseline="middle"
                  className="passage-chart__label"
                >
                  {reportKeyLabel(row)}
                </text>
                {rate === null ? (
                  <rect
                    x={LABEL_W}
                    y={y}
                    width={PLOT_W}
                    height={BAR_H}
                    fill={`url(#${hatch})`}
                    className="passage-chart__suppressed"
                  />
                ) : (
                  <rect
                    x={LABEL_W}
                    y={y}
                    width={Math.max(0, x(rate * 100) - LABEL_W)}
                    height={BAR_H}
                    className="passage-chart__bar"
                  />
                )}
                <text
                  x={LABEL_W + PLOT_W + 8}
                  y={mid}
                  dominantBaseline="middle"
                  className="passage-chart__value"
                >
                  {rateText(row)}
                </text>
              </g>
            );
          })}
          <line x1={LABEL_W} x2={LABEL_W} y1={TOP - 6} y2={height - 8} className="passage-chart__axis" />
        </svg>
      </div>
      <figcaption className="passage-chart__legend">
        <span>
          <svg width="20" height="14" aria-hidden="true" focusable="false">
            <rect width="20" height="14" className="passage-chart__bar" />
          </svg>{' '}
          Total overstay rate (out-of-country plus suspected in-country overstays, divided by expected
          departures)
        </span>
        <span>
          <svg width="20" height="14" aria-hidden="true" focusable="false">
            <rect width="20" height="14" fill={`url(#${hatch})`} className="passage-chart__suppressed" />
          </svg>{' '}
          Suppressed: too few admissions to publish the rate (the value is withheld, not zero)
        </span>
      </figcaption>
    </figure>
  );
}
