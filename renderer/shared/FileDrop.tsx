/**
 * A file field that also takes a file dropped on it. The drop is handled here (not by the
 * window, which would open the Import view with it), and only CSV, XLSX or JSON files are taken
 * (`formatOf`); another file is refused with a note saying why.
 */
import { useState } from 'react';
import { formatOf } from './files';

export function FileDrop({
  label,
  accept,
  file,
  onFile,
  hint,
  testId,
}: {
  label: string;
  /** Extensions without the dot, e.g. importExtensions('prices'). */
  accept: readonly string[];
  file: File | null;
  onFile: (file: File | null) => void;
  hint?: string;
  testId: string;
}) {
  const [over, setOver] = useState(false);
  const [refused, setRefused] = useState<string | null>(null);
  /** The name of the file taken from a drop (the file field itself shows a picked one). */
  const [dropped, setDropped] = useState<string | null>(null);
  const take = (f: File | null, via: 'pick' | 'drop') => {
    if (f && (formatOf(f.name) === null || !accept.includes(extOf(f.name)))) {
      setRefused(`${f.name}: not a ${accept.join(', ')} file`);
      return;
    }
    setRefused(null);
    setDropped(via === 'drop' && f ? f.name : null);
    onFile(f);
  };
  return (
    <label
      className={`field file-drop ${over ? 'over' : ''}`}
      data-testid={`${testId}-drop`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        const f = e.dataTransfer.files[0];
        if (!f) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(false);
        take(f, 'drop');
      }}
    >
      <span>{label}</span>
      <input
        type="file"
        data-testid={testId}
        accept={accept.map((e) => `.${e}`).join(',')}
        onChange={(e) => take(e.target.files?.[0] ?? null, 'pick')}
      />
      {file && dropped === file.name ? (
        <small data-testid={`${testId}-dropped`}>Dropped: {file.name}</small>
      ) : null}
      {refused ? (
        <small className="form-error" role="alert">
          {refused}
        </small>
      ) : hint ? (
        <small>{hint}</small>
      ) : null}
    </label>
  );
}

function extOf(name: string): string {
  return /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
}
