/**
 * A run reads back as `shape: "current"` when this engine version saved it (contract/stored.ts),
 * so the shapes of what is stored may change only together with ENGINE_VERSION. This test pins
 * the two together: change a stored schema and it fails until ENGINE_VERSION is raised (runs
 * saved before then read back as `earlier`) and the pin below is updated.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ENGINE_VERSION } from '../../src/contract/operations';
import { producedBy, STORED_RUN, StoredFailure } from '../../src/contract/stored';

/** Drops descriptions: wording may change without changing a shape. */
function shapeOnly(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shapeOnly);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== 'description')
      .map(([k, x]) => [k, shapeOnly(x)]),
  );
}

function storedShapesHash(): string {
  const schemas = [
    STORED_RUN.rebalance.input,
    STORED_RUN.rebalance.output,
    STORED_RUN.tandem.output,
    STORED_RUN.copilot.output,
  ].map((f) => producedBy(f)!.schema);
  const doc = [...schemas, StoredFailure].map((s) =>
    shapeOnly(z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' })),
  );
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex');
}

const PINNED = {
  engine_version: '0.5.0',
  stored_shapes_sha256: 'ebf82a5db05be586cf4c354c6c08f622bc47710b2144cee6e75beb9c11d5921b',
};

describe('stored shapes change only with ENGINE_VERSION', () => {
  it('matches the pinned engine version and shape hash', () => {
    expect(
      { engine_version: ENGINE_VERSION, stored_shapes_sha256: storedShapesHash() },
      'a stored schema changed: raise ENGINE_VERSION in src/contract/operations.ts, then update PINNED here',
    ).toEqual(PINNED);
  });
});
