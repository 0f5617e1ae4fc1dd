// Builds the UI once before any test file runs, so parallel test files never race to build it.
// @ts-expect-error: plain .mjs build script without type declarations
import { buildIfStale } from '../../scripts/build-if-stale.mjs';

export default function setup(): void {
  const r = (buildIfStale as () => { built: boolean; ok: boolean })();
  if (!r.ok) console.warn('[global-setup] workstation UI not built: UI tests will report it');
}
