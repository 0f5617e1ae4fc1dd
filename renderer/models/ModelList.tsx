/**
 * The model portfolios: name, version, the assets with their target weights, the tolerance band,
 * how breaches are rebalanced, the method, and how many accounts follow each. A field the model
 * leaves out shows the contract's default, marked "default".
 */
import { MODEL_SETTINGS } from '../../src/contract/models';
import type { ModelDetail } from '../../src/contract/models';
import type { OpOutput } from '../../src/contract/operations';
import { ErrorBox } from '../shared/ErrorBox';
import { pct } from '../shared/format';
import { Empty } from '../shared/ui';
import { detailKey, type Detail } from './useDetails';

type ModelRow = OpOutput<'listModels'>['models'][number];

/** The value a model setting takes when the model leaves it out (the contract's default). */
function defaultOf<K extends 'drift_threshold' | 'rebalance_to' | 'method'>(key: K): unknown {
  const r = MODEL_SETTINGS[key].safeParse(undefined);
  return r.success ? r.data : undefined;
}
const DEFAULT_BAND = defaultOf('drift_threshold') as number | undefined;
const DEFAULT_TO = defaultOf('rebalance_to') as string | undefined;
const DEFAULT_METHOD = defaultOf('method') as string | undefined;

const TO_TEXT: Record<string, string> = {
  target: 'breaching assets to target',
  band_edge: 'to the band edge',
  full: 'every asset to target',
};

function Setting({ value, fallback }: { value: string | undefined; fallback: string | undefined }) {
  if (value !== undefined) return <>{value}</>;
  return (
    <span className="muted" title="Not set in the model: the contract's default">
      {fallback ?? '—'} <em>default</em>
    </span>
  );
}

function Targets({ model }: { model: ModelDetail }) {
  const t = model.content.targets;
  return (
    <span
      className="model-targets"
      title={t.map((x) => `${x.asset} ${pct(x.target_weight)}`).join(', ')}
    >
      <span className="badge quiet">{t.length}</span>{' '}
      {t.slice(0, 6).map((x) => (
        <span key={x.asset} className="model-target" data-asset={x.asset}>
          {x.asset} <span className="muted">{pct(x.target_weight, 1)}</span>
        </span>
      ))}
      {t.length > 6 ? <span className="muted"> +{t.length - 6} more</span> : null}
    </span>
  );
}

export function ModelList({
  models,
  details,
  following,
}: {
  models: ModelRow[];
  details: Map<string, Detail<ModelDetail>>;
  /** Accounts following each model (from the account list). */
  following: Map<string, number>;
}) {
  if (models.length === 0)
    return (
      <Empty testId="models-empty">
        No model yet. Models are saved through the local API (<code>POST /api/models</code>): target
        weights, the band and the method every account following them is rebalanced with.
      </Empty>
    );
  return (
    <div className="table-wrap">
      <table className="grid compact" data-testid="models-table">
        <thead>
          <tr>
            <th>Model</th>
            <th className="n">Version</th>
            <th>Assets (target)</th>
            <th className="n">Band</th>
            <th>Rebalance</th>
            <th>Method</th>
            <th className="n">Accounts</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => {
            const d = details.get(detailKey(m.model_id, m.latest_version));
            const c = d?.state === 'ready' ? d.value.content : null;
            return (
              <tr key={m.model_id} data-testid="model-row" data-model={m.model_id}>
                <td>
                  <span className="strong">{m.name}</span>{' '}
                  <code className="muted small">{m.model_id}</code>
                </td>
                <td className="n">v{m.latest_version}</td>
                <td>
                  {d?.state === 'ready' ? (
                    <Targets model={d.value} />
                  ) : d?.state === 'error' ? (
                    <ErrorBox error={d.error} title="Model not read" />
                  ) : (
                    <span className="muted">loading…</span>
                  )}
                </td>
                <td className="n" data-testid="model-band">
                  {c ? (
                    <Setting
                      value={
                        c.drift_threshold !== undefined
                          ? `±${pct(c.drift_threshold, 1)}`
                          : undefined
                      }
                      fallback={DEFAULT_BAND !== undefined ? `±${pct(DEFAULT_BAND, 1)}` : undefined}
                    />
                  ) : null}
                </td>
                <td>
                  {c ? (
                    <Setting
                      value={c.rebalance_to !== undefined ? TO_TEXT[c.rebalance_to] : undefined}
                      fallback={DEFAULT_TO !== undefined ? TO_TEXT[DEFAULT_TO] : undefined}
                    />
                  ) : null}
                </td>
                <td>{c ? <Setting value={c.method} fallback={DEFAULT_METHOD} /> : null}</td>
                <td className="n" data-testid="model-accounts">
                  {following.get(m.model_id) ?? 0}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
