// A per-minute chart of the overview's series (uPlot: small, fast, no dependencies).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (seconds: number) => {
  const d = new Date(seconds * 1000);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

export interface ChartSeries {
  label: string;
  values: number[];
  color: string;
}

export function MinuteChart({
  title,
  from,
  bucketSeconds,
  series,
}: {
  title: string;
  from: string;
  bucketSeconds: number;
  series: ChartSeries[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const start = Date.parse(from) / 1000;
  const times = series[0].values.map((_, i) => start + i * bucketSeconds);
  const data: uPlot.AlignedData = [times, ...series.map((s) => s.values)];

  useEffect(() => {
    if (!host.current) return;
    const width = () => Math.max(240, (host.current?.clientWidth ?? 400) - 8);
    plot.current = new uPlot(
      {
        width: width(),
        height: 150,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] } },
        axes: [
          {
            stroke: '#5b6472',
            grid: { stroke: '#eef0f3' },
            ticks: { stroke: '#dfe3e8' },
            // Short local times, spaced so they never run into each other.
            space: 70,
            values: (_u, splits) => splits.map((t) => clock(t)),
          },
          { stroke: '#5b6472', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#dfe3e8' }, size: 44 },
        ],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            width: 1.5,
            fill: `${s.color}1a`,
            points: { show: false },
          })),
        ],
      },
      data,
      host.current,
    );
    const resize = () => plot.current?.setSize({ width: width(), height: 150 });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.current?.destroy();
      plot.current = null;
    };
  }, [series.length]);

  useEffect(() => {
    plot.current?.setData(data);
  });

  const total = series
    .map((s) => `${s.label} ${s.values.reduce((a, b) => a + b, 0).toLocaleString('en-US')}`)
    .join(' · ');
  return (
    <figure class="chart">
      <figcaption>
        <strong>{title}</strong> <span class="muted">per minute, last hour — {total}</span>
      </figcaption>
      <div ref={host} />
    </figure>
  );
}
