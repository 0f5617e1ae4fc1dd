/**
 * A choice of one among a few, shown as joined buttons (`.segmented`): a radiogroup whose buttons
 * are radios, the chosen one `on`. Used by the Import view (what the file holds, which dates) and
 * the Models view's book import.
 * Example: `<Segmented label="What the file holds" options={[['csv', 'CSV'], ['xlsx', 'XLSX']]}
 * value={fmt} onChange={setFmt} testId={(v) => `fmt-${v}`} />`.
 */
export function Segmented<T extends string>({
  options,
  value,
  onChange,
  testId,
  label,
  labelledBy,
}: {
  options: readonly (readonly [T, string])[];
  value: T;
  onChange: (v: T) => void;
  testId: (v: T) => string;
  /** aria-label of the group, or `labelledBy`: the id of a visible label. */
  label?: string;
  labelledBy?: string;
}) {
  return (
    <div
      className="segmented"
      role="radiogroup"
      {...(label !== undefined ? { 'aria-label': label } : {})}
      {...(labelledBy !== undefined ? { 'aria-labelledby': labelledBy } : {})}
    >
      {options.map(([v, text]) => (
        <button
          key={v}
          type="button"
          role="radio"
          aria-checked={value === v}
          className={value === v ? 'on' : ''}
          data-testid={testId(v)}
          onClick={() => onChange(v)}
        >
          {text}
        </button>
      ))}
    </div>
  );
}
