/**
 * The policy in force: the latest stored version, or the built-in default (version 0). Every
 * PUT stores a new version with a `policy.changed` audit event; a PUT naming a version other
 * than the current one answers 409 (someone else changed it meanwhile). docs/agents.md.
 */
import type { z } from 'zod';
import { EngineError } from '../contract/common';
import { PolicyDocument, type PolicyResponse, type PutPolicyRequest } from '../contract/policy';
import { canonicalJson } from '../domain/canonical';
import type { PolicyInForce } from '../agents/context';
import { DEFAULT_POLICY_IN_FORCE, policyHash } from '../agents/registry';
import type { Store, StoredPolicy } from '../ports/store';

function fromStored(p: StoredPolicy): PolicyInForce {
  const parsed = PolicyDocument.safeParse(JSON.parse(p.document_json));
  if (!parsed.success)
    throw new EngineError('INTERNAL', `stored policy version ${p.version} no longer validates`);
  return { document: parsed.data, version: p.version, hash: p.hash };
}

/** The policy in force now. */
export function policyInForce(store: Store): PolicyInForce {
  const p = store.policies.current();
  return p ? fromStored(p) : DEFAULT_POLICY_IN_FORCE;
}

/** The policy a stored run was checked against (for replay); null when it cannot be found. */
export function policyVersion(store: Store, version: number): PolicyInForce | null {
  if (version === 0) return DEFAULT_POLICY_IN_FORCE;
  const p = store.policies.get(version);
  return p ? fromStored(p) : null;
}

export function policyResponse(store: Store): PolicyResponse {
  const p = store.policies.current();
  const inForce = p ? fromStored(p) : DEFAULT_POLICY_IN_FORCE;
  return {
    ...inForce.document,
    version: inForce.version,
    updated_at: p?.created_at ?? null,
    updated_by: p?.actor ?? null,
    hash: inForce.hash,
  };
}

export function putPolicy(
  store: Store,
  input: z.output<typeof PutPolicyRequest>,
  actor: string,
): PolicyResponse {
  const { version, updated_at: _a, updated_by: _b, hash: _c, ...rest } = input;
  const document = PolicyDocument.parse(rest);
  const current = store.policies.current()?.version ?? 0;
  store.policies.put({
    document_json: canonicalJson(document),
    hash: policyHash(document),
    actor,
    expected_version: version ?? current,
  });
  return policyResponse(store);
}
