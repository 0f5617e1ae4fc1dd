/**
 * The optional rephrasing of the narrative by a language model, behind a port (the pure layer has
 * no network), and the number check that guards it: a rephrasing is kept only when every number
 * in it is a number of the run. docs/_fragments/copilot.md, "The rephrase setting".
 */
import type { Warning } from '../contract/common';
import type { CopilotInsights } from '../contract/copilot';
import type { RebalanceResponse } from '../contract/rebalance';
import { writeBrief, type Brief } from './brief';
import { numbersOfRun, unknownNumbers, type NumberSet } from './numbers';

/** Rewrites a text; adapters implement it (src/server/llmClient.ts: an OpenAI-compatible API). */
export interface RephrasePort {
  rephrase(text: string): Promise<string>;
}

export interface RephraseOutcome {
  narrative: string;
  rephrased: boolean;
  warnings: Warning[];
}

export const REPHRASE_WARNINGS = {
  rejected: 'COPILOT_REPHRASE_REJECTED',
  failed: 'COPILOT_REPHRASE_FAILED',
  notConfigured: 'COPILOT_REPHRASE_NOT_CONFIGURED',
} as const;

/** Longest error text quoted in a warning. */
const MAX_ERROR_TEXT = 200;

function describeError(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}

/**
 * Asks the port to rephrase `brief.narrative` and checks the answer:
 * - the port throws or rejects (error, timeout), or answers an empty text → the deterministic
 *   narrative, rephrased false, warning COPILOT_REPHRASE_FAILED;
 * - some number of the answer is not in `runNumbers` (`unknownNumbers`) → the deterministic
 *   narrative, rephrased false, warning COPILOT_REPHRASE_REJECTED naming those numbers;
 * - otherwise → the answer (trimmed), rephrased true, no warning.
 */
export async function rephraseChecked(
  brief: Pick<Brief, 'narrative'>,
  port: RephrasePort,
  runNumbers: NumberSet,
): Promise<RephraseOutcome> {
  const fallback = (code: string, message: string): RephraseOutcome => ({
    narrative: brief.narrative,
    rephrased: false,
    warnings: [{ code, message, path: 'narrative' }],
  });
  let text: string;
  try {
    text = await port.rephrase(brief.narrative);
  } catch (e) {
    return fallback(
      REPHRASE_WARNINGS.failed,
      `The model could not rephrase the narrative (${describeError(e)}); the deterministic narrative is returned.`,
    );
  }
  if (typeof text !== 'string' || text.trim() === '')
    return fallback(
      REPHRASE_WARNINGS.failed,
      'The model returned an empty rephrasing; the deterministic narrative is returned.',
    );
  const invented = unknownNumbers(text, runNumbers);
  if (invented.length > 0)
    return fallback(
      REPHRASE_WARNINGS.rejected,
      `The model's rephrasing contains number(s) that are not in the run: ${invented.map(String).join(', ')}; the deterministic narrative is returned.`,
    );
  return { narrative: text.trim(), rephrased: true, warnings: [] };
}

export interface InsightsOptions {
  /** The request's `rephrase` flag. */
  rephrase: boolean;
  /** The configured model, or null when none is configured (rephrasing is then off). */
  port: RephrasePort | null;
}

/**
 * The full insights of a run: the deterministic brief, rephrased through `port` when asked and
 * configured (number-checked by `rephraseChecked` against `numbersOfRun(out)`). Asked without a
 * configured model → the deterministic narrative with warning COPILOT_REPHRASE_NOT_CONFIGURED.
 */
export async function copilotInsights(
  out: RebalanceResponse & { run_id: string },
  options: InsightsOptions,
): Promise<CopilotInsights> {
  const brief = writeBrief(out);
  if (!options.rephrase) return { ...brief, rephrased: false, warnings: [] };
  if (!options.port)
    return {
      ...brief,
      rephrased: false,
      warnings: [
        {
          code: REPHRASE_WARNINGS.notConfigured,
          message:
            'Rephrasing was asked for but no language model is configured; the deterministic narrative is returned.',
          path: 'rephrase',
        },
      ],
    };
  const r = await rephraseChecked(brief, options.port, numbersOfRun(out));
  return { ...brief, narrative: r.narrative, rephrased: r.rephrased, warnings: r.warnings };
}
