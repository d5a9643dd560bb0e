/** Props of {@link Sparkline}. */
export interface SparklineProps {
  /** The series, oldest first. */
  values: readonly number[];
  /** Accessible description, e.g. "CPU over the last minute". */
  label: string;
  /** Bottom of the scale. Default 0. */
  min?: number;
  /** Smallest span of the scale above `min`, so a flat series does not look like a cliff. Default 1. */
  floor?: number;
  width?: number;
  height?: number;
}

function coordinate(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/**
 * A small line chart as inline SVG, rendered on the server: a line over a faint area, scaled
 * from `min` to the series' maximum, and a dot on the latest value.
 */
export function Sparkline({
  values,
  label,
  min = 0,
  floor = 1,
  width = 160,
  height = 36,
}: SparklineProps): JSX.Element {
  const top = Math.max(min + floor, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const pad = 3;
  const y = (value: number): number => pad + (height - 2 * pad) * (1 - (Math.max(min, value) - min) / (top - min));
  const points = values.map((value, index) => `${coordinate(index * step)},${coordinate(y(value))}`);
  const line = points.join(' ');
  const area = values.length > 0 ? `0,${height} ${line} ${coordinate((values.length - 1) * step)},${height}` : '';
  const last = values.at(-1);
  return (
    <svg
      class="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      width={String(width)}
      height={String(height)}
      role="img"
      aria-label={label}
      preserveAspectRatio="none"
    >
      <polygon class="sparkline-area" points={area} />
      <polyline class="sparkline-line" points={line} fill="none" />
      {last === undefined ? (
        ''
      ) : (
        <circle class="sparkline-dot" cx={coordinate((values.length - 1) * step)} cy={coordinate(y(last))} r="2.5" />
      )}
    </svg>
  );
}
