/**
 * Charts drawn as SVG on the server (no charting library, no script, no style attributes). Each is an image with a
 * title and a description that lists every value; the page shows the same numbers in a table.
 */

const WIDTH = 720;
const FONT = 14;
const TEXT = "#0b0c0c";
const SERIES = ["#1d4fa0", "#00703c"];

function clip(label: string, max: number): string {
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

interface BarRow {
  label: string;
  value: number;
}

export function HorizontalBarChart({
  id,
  title,
  summary,
  rows,
  format = String,
}: {
  id: string;
  title: string;
  summary: string;
  rows: BarRow[];
  format?: (n: number) => string;
}) {
  const labelWidth = 290;
  const valueWidth = 70;
  const rowHeight = 28;
  const top = 4;
  const height = top * 2 + rows.length * rowHeight;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const scale = (WIDTH - labelWidth - valueWidth - 10) / max;
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{summary}</desc>
      {rows.map((r, i) => {
        const y = top + i * rowHeight;
        const w = Math.max(r.value > 0 ? 2 : 0, r.value * scale);
        return (
          <g key={`${r.label}-${i}`}>
            <text x={labelWidth - 8} y={y + 19} textAnchor="end" fontSize={FONT} fill={TEXT}>
              {clip(r.label, 40)}
            </text>
            <rect x={labelWidth} y={y + 5} width={w} height={rowHeight - 10} fill={SERIES[0]} />
            <text x={labelWidth + w + 6} y={y + 19} fontSize={FONT} fill={TEXT}>
              {format(r.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export function GroupedColumnChart({
  id,
  title,
  summary,
  groups,
  series,
}: {
  id: string;
  title: string;
  summary: string;
  groups: { label: string; values: number[] }[];
  series: string[];
}) {
  const height = 280;
  const left = 40;
  const right = 10;
  const legendHeight = 28;
  const bottom = 40;
  const plotTop = legendHeight + 8;
  const plotHeight = height - plotTop - bottom;
  const plotWidth = WIDTH - left - right;
  const max = Math.max(1, ...groups.flatMap((g) => g.values));
  const step = groups.length > 0 ? plotWidth / groups.length : plotWidth;
  const barWidth = Math.max(2, Math.min(24, (step - 6) / series.length));
  const every = Math.max(1, Math.ceil(groups.length / 12));
  const ticks = [0, Math.ceil(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
  const yOf = (v: number) => plotTop + plotHeight - (v / max) * plotHeight;
  return (
    <svg className="chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} focusable="false">
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{summary}</desc>
      {series.map((s, i) => (
        <g key={s}>
          <rect x={left + i * 200} y={6} width={16} height={16} fill={SERIES[i % SERIES.length]} />
          <text x={left + i * 200 + 22} y={19} fontSize={FONT} fill={TEXT}>
            {s}
          </text>
        </g>
      ))}
      {ticks.map((v) => (
        <g key={v}>
          <line x1={left} x2={WIDTH - right} y1={yOf(v)} y2={yOf(v)} stroke="#b1b4b6" strokeWidth={1} />
          <text x={left - 6} y={yOf(v) + 5} textAnchor="end" fontSize={12} fill={TEXT}>
            {v}
          </text>
        </g>
      ))}
      {groups.map((g, gi) => {
        const x0 = left + gi * step + (step - barWidth * series.length) / 2;
        return (
          <g key={g.label}>
            {g.values.map((v, si) => (
              <rect key={si} x={x0 + si * barWidth} y={yOf(v)} width={barWidth - 1} height={plotTop + plotHeight - yOf(v)} fill={SERIES[si % SERIES.length]} />
            ))}
            {gi % every === 0 ? (
              <text x={left + gi * step + step / 2} y={height - bottom + 18} textAnchor="middle" fontSize={12} fill={TEXT}>
                {g.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
