/**
 * Writes resources/openapi.json from the contract. A test fails when the committed copy differs
 * from what the contract generates, so the document can never drift from the code.
 *
 *   npm run openapi
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenApi } from '../contract/openapi';
import { ROOT } from '../server/app';

export const OPENAPI_FILE = join(ROOT, 'resources', 'openapi.json');

export function openApiText(): string {
  return `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
