/**
 * A long_only request answers exactly as before long-short books existed (issue #11 item 4): the
 * weights (decided, proposed, optimizer), the trades, and the whole response except `metadata`,
 * `agent_steps` (timings), the new `book_exposure` block and the solver's wall time, for the five
 * shipped scenarios × six methods, with `book` absent and with `book: {type: 'long_only'}`.
 * The hashes were printed by running this file's loop (same requests, same picks, sha256 of
 * JSON.stringify) with tsx on `git archive 6a0f37b1 src resources`, the commit before long-short
 * books; errors are recorded as `error <code>` (the first two scenarios have no price history).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RebalanceRequest } from '../../../src/contract/rebalance';
import { runRebalance } from '../../../src/services/rebalance';
import { getSolver } from '../optimizer/helpers';

const scenarios = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../resources/scenarios.json'), 'utf8'),
  ) as {
    scenarios: { name: string; request: Record<string, unknown> }[];
  }
).scenarios;

/** [scenario, method, sha256(weights and trades), sha256(response rest)] from the code before. */
const BEFORE: [string, string, string, string | null][] = [
  [
    'Risk-Off Shock',
    'threshold',
    '9cc9f9fc1c67d613176d1d1c9ffd2b3b60246feceea6ffbe624868e5681a4606',
    'a7aec11f0379e59f257e9d85297a23d597255fe905fd77854c60467db3cd647f',
  ],
  ['Risk-Off Shock', 'track_target', 'error BAD_REQUEST', null],
  ['Risk-Off Shock', 'min_variance', 'error BAD_REQUEST', null],
  ['Risk-Off Shock', 'mean_variance', 'error BAD_REQUEST', null],
  ['Risk-Off Shock', 'max_sharpe', 'error BAD_REQUEST', null],
  ['Risk-Off Shock', 'efficient_return', 'error BAD_REQUEST', null],
  [
    'Risk-On Rally',
    'threshold',
    'db06e5c1f0a961cbea1568f17cd451ae8c2579ceb17356ed447ef3e9e18308ca',
    'daa46cb841ac58b28705359b3bc508060d686652be6aad734a0da501cbbd50cf',
  ],
  ['Risk-On Rally', 'track_target', 'error BAD_REQUEST', null],
  ['Risk-On Rally', 'min_variance', 'error BAD_REQUEST', null],
  ['Risk-On Rally', 'mean_variance', 'error BAD_REQUEST', null],
  ['Risk-On Rally', 'max_sharpe', 'error BAD_REQUEST', null],
  ['Risk-On Rally', 'efficient_return', 'error BAD_REQUEST', null],
  [
    'Autumn 2008: Lehman and the credit crunch',
    'threshold',
    '18eba860aa8679985f95822f5175d658ff8075fa55de054b9ac99ea123819d8b',
    'e002318cf12dbe13afb0b3ece289e6c5683608ebbb191766eddade11a9dd8ebc',
  ],
  [
    'Autumn 2008: Lehman and the credit crunch',
    'track_target',
    'dc0b48bc3a36cb69b43c519c0cb21b2b1fa4f6e2b45ec662dfc8fb59bd5d80eb',
    'ab70b8aae3d5daa6b7cc8ce6ba7e52fe6b70ccc4dd75ec820bd4fd6ee2aba971',
  ],
  [
    'Autumn 2008: Lehman and the credit crunch',
    'min_variance',
    '220738dc3d929581dca27797a1e65dcfe535814f544b32667c700e202e02c466',
    '025ddb3f045dcc2e4ab31f1ea45ce1d0e8bc0b9a84357f4b757f8b588b0fc21d',
  ],
  [
    'Autumn 2008: Lehman and the credit crunch',
    'mean_variance',
    '42b1a79fbc5a502afc1a70f63bfd0d0a7a0114fb2fb47c0231272b8e60a74dc8',
    'd4bcdec034a3c718f75b08040f3bd1e21c83f6332d0bc4c796dfac2588376e23',
  ],
  ['Autumn 2008: Lehman and the credit crunch', 'max_sharpe', 'error INFEASIBLE', null],
  ['Autumn 2008: Lehman and the credit crunch', 'efficient_return', 'error INFEASIBLE', null],
  [
    'March 2020: COVID crash',
    'threshold',
    'e866faf95261c22ef6de68a2b2b241b1d57b5958f9fb020eaded17658638c818',
    'ca1b15437273516a4a06c187d79acd067859152e720c11a5719c5bf8c0dd2670',
  ],
  [
    'March 2020: COVID crash',
    'track_target',
    '28a098b3c5be9747b4f0bf4bde2a8dc70ead1d0fd9efc7ba0e9fb50a003bd060',
    'd3a7fb077000db90de194330450f1968d01b9d8d2fd0db50ba2ff62373775094',
  ],
  [
    'March 2020: COVID crash',
    'min_variance',
    'e251dd51d4f19534aa160abe1c08876aef8c694a1c29168d4015a2a25d201b93',
    '7c963e04141df0999cfd95989b34d597afda08b5df7fbc07843d13a4ecaaeb17',
  ],
  [
    'March 2020: COVID crash',
    'mean_variance',
    '015d1bc3838897b250e32f121c9768b02bb86a5996caca2ccce37f3e224f00fe',
    '09bbfa1ff3cd1565da5bf70455b6982fc76dd3f6560bdba9cb7d6a8f7ba589ec',
  ],
  [
    'March 2020: COVID crash',
    'max_sharpe',
    '1f054c84969a4c9f1682a7707b08121d62bbba324599bb7d3c5a8f810f89419c',
    '4f1fae599d576aeb48f4002bff4be9d59760ec02da6de2acabcf66de48066d06',
  ],
  [
    'March 2020: COVID crash',
    'efficient_return',
    'f000111dcd269ba4f154cdc0d08ad4b0bb0e597b6445431d6ed9ff8e7033c86d',
    'fd6ff60e0978ef0b15abea6138cec10b055801dc44547504549c445f92565205',
  ],
  [
    '2022: the rate shock',
    'threshold',
    'ce121216b96bf5a8d2f3dc1f608d9b6a74c97eb1cc696d570b14490b02a84171',
    '4beda21b4eb282b569480c370bb6c312eeb7941a78ae2504f11c6badf9b94489',
  ],
  [
    '2022: the rate shock',
    'track_target',
    '3d2f39311448679f283e3638f3701001a7fd222192a9616ae81a336953ae0fff',
    '3f2d8524636ce7f54a6bfeaf3b6606504c99245c41084d8ec363a9d9bc9637f4',
  ],
  [
    '2022: the rate shock',
    'min_variance',
    '6814187f57f0d99469d34faba878211118d6f63dcc189dd113fe5ac5260079cb',
    '902a030f96afa306c4483e4d7bd9e72d97cd1f3b26815540c7397580552740e5',
  ],
  [
    '2022: the rate shock',
    'mean_variance',
    'ed57d7e8e1c97b823a2144667acc2a17e095c068adfd2575e02f0fa4890cd261',
    'dfe53280b89f3b3f215d0978155d7d375e347ff1102bb4360e7b744c551a635f',
  ],
  [
    '2022: the rate shock',
    'max_sharpe',
    'ab91abafee5bd13b6e84a7cff1652102f269a549bf64b2e5b20b48488c82cba1',
    'e58ab697505bf4acb105b4116e8ae0e32dff48555b8e6942754939c980771143',
  ],
  [
    '2022: the rate shock',
    'efficient_return',
    '0ae52e60c02f25ac3e85c13e3271554ab26a12198bac5600685005713cfce8ea',
    'e515562de3774b5a081d0bce2f4baa977e2d65dc3a169b07fc2df2688a5d9544',
  ],
];

const h = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };

describe('long_only requests are unchanged by long-short books', () => {
  for (const book of [undefined, { type: 'long_only' as const }])
    it(`book ${book ? 'long_only' : 'absent'}: 30 runs match the baseline`, async () => {
      const solver = await getSolver();
      for (const [name, method, hw, hr] of BEFORE) {
        const s = scenarios.find((x) => x.name === name)!;
        const req = RebalanceRequest.parse({
          ...s.request,
          method,
          turnover_limit: 0.3,
          ...(method === 'efficient_return' ? { target_return: 0.02 } : {}),
          ...(book ? { book } : {}),
        });
        let r;
        try {
          r = await runRebalance(req, clock, { solver });
        } catch (e) {
          expect(`error ${(e as { code: string }).code}`, `${name} ${method}`).toBe(hw);
          continue;
        }
        const pick = {
          weights: r.weights.map((w) => [w.decided_weight, w.proposed_weight]),
          opt: r.optimization ? r.optimization.weights.map((x) => x.weight) : null,
          trades: r.trades.map((t) => t.signed_trade_value),
        };
        expect(h(pick), `${name} ${method} weights`).toBe(hw);
        const { metadata: _m, agent_steps: _a, book_exposure: _b, ...rest } = r;
        if (rest.optimization)
          rest.optimization = {
            ...rest.optimization,
            solver: { ...rest.optimization.solver, solve_time_ms: 0 },
          };
        expect(h(rest), `${name} ${method} response`).toBe(hr);
        expect(r.book_exposure?.type).toBe('long_only');
        expect(r.book_exposure?.after.short).toBe(0);
      }
    }, 120_000);
});
