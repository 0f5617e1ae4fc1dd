/**
 * The copilot's model rephrasing end to end over HTTP: src/server/llmClient.ts against a fake
 * OpenAI-compatible server on a random loopback port, through the number check of
 * src/copilot/rephrase.ts. An invented number is caught, a faithful rephrasing kept, a timeout or
 * an error falls back to the deterministic brief.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { writeBrief } from '../../src/copilot/brief';
import { numbersOfRun } from '../../src/copilot/numbers';
import { copilotInsights, rephraseChecked } from '../../src/copilot/rephrase';
import {
  checkBaseUrl,
  createOpenAiRephraser,
  REPHRASE_SYSTEM_PROMPT,
  rephraserFromEnv,
} from '../../src/server/llmClient';
import { scenarioRun } from '../unit/copilot/scenarioRuns';

type Mode = 'faithful' | 'invent' | 'slow' | 'error' | 'garbage';

interface Seen {
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    messages: { role: string; content: string }[];
  };
}

let mode: Mode = 'faithful';
const seen: Seen[] = [];
let server: Server;
let baseUrl: string;

const reword = (text: string) =>
  text.replace('Decision:', 'The decision is').replace('Largest trades:', 'The largest trades:');

function completion(content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-test',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  });
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Seen['body'];
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
    const text = body.messages.find((m) => m.role === 'user')?.content ?? '';
    const send = (status: number, payload: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(payload);
    };
    if (mode === 'faithful') send(200, completion(reword(text)));
    else if (mode === 'invent')
      send(200, completion(`${reword(text)} Annualized volatility 99.99% is expected.`));
    else if (mode === 'error') send(500, JSON.stringify({ error: { message: 'overloaded' } }));
    else if (mode === 'garbage') send(200, JSON.stringify({ nothing: true }));
    else setTimeout(() => send(200, completion(reword(text))), 2_000).unref();
  });
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
});

const rephraser = (timeoutMs = 5_000) =>
  createOpenAiRephraser({ baseUrl, model: 'fake-model', apiKey: 'test-key', timeoutMs });

describe('copilot rephrasing through an OpenAI-compatible server', () => {
  it('sends the narrative with the no-new-numbers instruction and keeps a faithful rephrasing', async () => {
    mode = 'faithful';
    const out = await scenarioRun('Autumn 2008');
    const brief = writeBrief(out);
    const r = await rephraseChecked(brief, rephraser(), numbersOfRun(out));
    expect(r).toEqual({ narrative: reword(brief.narrative), rephrased: true, warnings: [] });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.path).toBe('/v1/chat/completions');
    expect(seen[0]?.authorization).toBe('Bearer test-key');
    expect(seen[0]?.body.model).toBe('fake-model');
    expect(seen[0]?.body.messages).toEqual([
      { role: 'system', content: REPHRASE_SYSTEM_PROMPT },
      { role: 'user', content: brief.narrative },
    ]);
    expect(REPHRASE_SYSTEM_PROMPT).toMatch(
      /Do not add, remove, change, round or compute any number/,
    );
  });

  it('catches an invented number and returns the deterministic brief with a warning', async () => {
    mode = 'invent';
    const out = await scenarioRun('Autumn 2008');
    const ins = await copilotInsights(out, { rephrase: true, port: rephraser() });
    expect(ins.narrative).toBe(writeBrief(out).narrative);
    expect(ins.narrative).not.toContain('99.99');
    expect(ins.rephrased).toBe(false);
    expect(ins.warnings).toHaveLength(1);
    expect(ins.warnings[0]?.code).toBe('COPILOT_REPHRASE_REJECTED');
    expect(ins.warnings[0]?.message).toContain('99.99');
  });

  it('times out into COPILOT_REPHRASE_FAILED and the deterministic brief', async () => {
    mode = 'slow';
    const out = await scenarioRun('Risk-Off');
    const started = Date.now();
    const ins = await copilotInsights(out, { rephrase: true, port: rephraser(200) });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(ins.narrative).toBe(writeBrief(out).narrative);
    expect(ins.rephrased).toBe(false);
    expect(ins.warnings.map((w) => w.code)).toEqual(['COPILOT_REPHRASE_FAILED']);
    expect(ins.warnings[0]?.message).toContain('timed out after 200 ms');
  });

  it('falls back on an HTTP error or an unexpected body, without quoting the key', async () => {
    const out = await scenarioRun('Risk-Off');
    for (const m of ['error', 'garbage'] as const) {
      mode = m;
      const ins = await copilotInsights(out, { rephrase: true, port: rephraser() });
      expect(ins.rephrased).toBe(false);
      expect(ins.warnings.map((w) => w.code)).toEqual(['COPILOT_REPHRASE_FAILED']);
      expect(ins.warnings[0]?.message).not.toContain('test-key');
    }
  });

  it('falls back when nothing listens on the configured port', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const out = await scenarioRun('Risk-Off');
    const r = await rephraseChecked(
      writeBrief(out),
      createOpenAiRephraser({ baseUrl: `http://127.0.0.1:${port}`, model: 'm', timeoutMs: 2_000 }),
      numbersOfRun(out),
    );
    expect(r.warnings.map((w) => w.code)).toEqual(['COPILOT_REPHRASE_FAILED']);
  });
});

describe('llmClient configuration', () => {
  it('is off unless a URL and a model are configured', () => {
    expect(rephraserFromEnv({})).toBeNull();
    expect(rephraserFromEnv({ SPR_LLM_BASE_URL: baseUrl })).toBeNull();
    expect(rephraserFromEnv({ SPR_LLM_BASE_URL: baseUrl, SPR_LLM_MODEL: 'm' })).not.toBeNull();
    expect(() =>
      rephraserFromEnv({ SPR_LLM_BASE_URL: baseUrl, SPR_LLM_MODEL: 'm', SPR_LLM_TIMEOUT_MS: '-1' }),
    ).toThrow(/SPR_LLM_TIMEOUT_MS/);
  });

  it('takes loopback over http, anything else only over https', () => {
    expect(checkBaseUrl('http://localhost:11434/v1').hostname).toBe('localhost');
    expect(checkBaseUrl('http://127.0.0.2:8080').hostname).toBe('127.0.0.2');
    expect(checkBaseUrl('http://[::1]:8080').hostname).toBe('[::1]');
    expect(checkBaseUrl('https://llm.example.com/v1').hostname).toBe('llm.example.com');
    expect(() => checkBaseUrl('http://llm.example.com/v1')).toThrow(/https/);
    expect(() => checkBaseUrl('ftp://127.0.0.1')).toThrow(/http or https/);
    expect(() => checkBaseUrl('https://user:pw@llm.example.com')).toThrow(/credentials/);
    expect(() => checkBaseUrl('not a url')).toThrow(/not a URL/);
  });
});
