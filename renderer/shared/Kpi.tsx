/**
 * The one key-figure tile (label, value, optional note and tone). `variant` picks the look: the
 * KPI strip above the results ("strip") or a boxed figure inside a panel ("box").
 */
export function Kpi({
  label,
  value,
  note,
  testId,
  tone,
  title,
  variant = 'strip',
}: {
  label: string;
  value: string;
  note?: string | undefined;
  testId?: string | undefined;
  /** '' | 'pos' | 'neg' | 'warn' | 'mono' */
  tone?: string | undefined;
  /** Tooltip: what the figure means and how it is computed. */
  title?: string | undefined;
  variant?: 'strip' | 'box';
}) {
  const base = variant === 'strip' ? 'kpi' : 'stat';
  return (
    <div className={`${base} ${tone ?? ''}`} data-testid={testId} title={title}>
      <div className={`${base}-label`} title={title ?? label}>
        {label}
      </div>
      <div className={`${base}-value ${tone ?? ''}`}>{value}</div>
      {note ? <div className={`${base}-note`}>{note}</div> : null}
    </div>
  );
}
