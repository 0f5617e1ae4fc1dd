/**
 * The decimal separator of an imported file ('.' as in 1,234.56 or ',' as in 1.234,56), as the
 * import requests take it (`decimal_separator`). Shared by the Import view and the Models view's
 * book import.
 */
export type DecimalSeparator = '.' | ',';

export function DecimalField({
  value,
  onChange,
  testId,
}: {
  value: DecimalSeparator;
  onChange: (v: DecimalSeparator) => void;
  testId: string;
}) {
  return (
    <label className="field">
      <span>Decimal separator</span>
      <select
        data-testid={testId}
        value={value}
        onChange={(e) => onChange(e.target.value as DecimalSeparator)}
      >
        <option value=".">. (1,234.56)</option>
        <option value=",">, (1.234,56)</option>
      </select>
    </label>
  );
}
