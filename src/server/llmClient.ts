/**
 * Node adapter of the copilot's RephrasePort: an OpenAI-compatible chat-completions client
 * (POST {baseUrl}/chat/completions) over the global fetch, with a timeout. There is no default
 * endpoint: rephrasing is off unless a URL is configured (SPR_LLM_BASE_URL, or the options of
 * `createOpenAiRephraser`). A loopback URL may be http; any other must be https, so an API key
 * never crosses a network in clear. docs/_fragments/copilot.md, "The rephrase setting".
 */
import { z } from 'zod';
import type { RephrasePort } from '../copilot/rephrase';

export interface OpenAiRephraserOptions {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama) or http://localhost:8080/v1 (llama.cpp server). */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer …` when given. */
  apiKey?: string;
  /** Whole request (connect, answer and body) in milliseconds. */
  timeoutMs: number;
}

/** The instruction sent with every narrative. */
export const REPHRASE_SYSTEM_PROMPT = [
  'You rephrase a portfolio rebalancing brief for a portfolio manager.',
  'Rewrite the text in clear, concise, professional English.',
  'Do not add, remove, change, round or compute any number: copy every number, percent, amount and currency code exactly as written.',
  'Do not add facts, advice or figures that are not in the text.',
  'Answer with the rephrased text only.',
].join(' ');

const ChatCompletion = z.object({
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable() }) }))
    .min(1, 'no choices'),
});

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Whether a URL points at this machine (localhost, 127.0.0.0/8 or ::1). */
export function isLoopbackUrl(url: URL): boolean {
  const host = url.hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/** The configured base URL, checked: http(s), no credentials in it, https unless loopback. */
export function checkBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(`LLM base URL is not a URL: ${baseUrl}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`LLM base URL must be http or https, not ${url.protocol}`);
  if (url.username || url.password)
    throw new Error('LLM base URL must not carry credentials; give the API key separately');
  if (url.protocol === 'http:' && !isLoopbackUrl(url))
    throw new Error(`LLM base URL must use https unless it is a loopback address: ${url.host}`);
  return url;
}

/** A RephrasePort calling an OpenAI-compatible chat-completions endpoint. */
export function createOpenAiRephraser(options: OpenAiRephraserOptions): RephrasePort {
  const base = checkBaseUrl(options.baseUrl);
  const endpoint = `${base.href.replace(/\/+$/, '')}/chat/completions`;
  if (!options.model.trim()) throw new Error('LLM model must not be empty');
  if (!(options.timeoutMs > 0)) throw new Error('LLM timeoutMs must be > 0');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;

  return {
    async rephrase(text: string): Promise<string> {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), options.timeoutMs);
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers,
          // A redirect could take the narrative (and the key) elsewhere: refuse it.
          redirect: 'error',
          signal: controller.signal,
          body: JSON.stringify({
            model: options.model,
            temperature: 0,
            messages: [
              { role: 'system', content: REPHRASE_SYSTEM_PROMPT },
              { role: 'user', content: text },
            ],
          }),
        });
        if (!res.ok) {
          await res.body?.cancel();
          throw new Error(`LLM endpoint answered HTTP ${res.status}`);
        }
        const parsed = ChatCompletion.safeParse(await res.json());
        if (!parsed.success) throw new Error('LLM endpoint answered an unexpected body');
        const content = parsed.data.choices[0]?.message.content;
        if (!content) throw new Error('LLM endpoint answered no content');
        return content;
      } catch (e) {
        if (controller.signal.aborted)
          throw new Error(`LLM endpoint timed out after ${options.timeoutMs} ms`);
        throw e instanceof Error ? e : new Error(String(e));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Default timeout when SPR_LLM_TIMEOUT_MS is not set. */
export const DEFAULT_LLM_TIMEOUT_MS = 20_000;

/**
 * The rephraser configured in the environment, or null (rephrasing off) when SPR_LLM_BASE_URL or
 * SPR_LLM_MODEL is unset. SPR_LLM_API_KEY is optional; SPR_LLM_TIMEOUT_MS defaults to
 * DEFAULT_LLM_TIMEOUT_MS. An invalid URL or timeout throws (a misconfiguration is reported, not
 * silently ignored).
 */
export function rephraserFromEnv(env: Record<string, string | undefined>): RephrasePort | null {
  const baseUrl = env.SPR_LLM_BASE_URL?.trim();
  const model = env.SPR_LLM_MODEL?.trim();
  if (!baseUrl || !model) return null;
  const t = env.SPR_LLM_TIMEOUT_MS?.trim();
  const timeoutMs = t ? Number(t) : DEFAULT_LLM_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
    throw new Error(`SPR_LLM_TIMEOUT_MS must be a positive number of milliseconds, not ${t}`);
  const apiKey = env.SPR_LLM_API_KEY?.trim();
  return createOpenAiRephraser({
    baseUrl,
    model,
    timeoutMs,
    ...(apiKey ? { apiKey } : {}),
  });
}
