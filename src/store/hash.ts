import { createHash } from 'node:crypto';
import type { Sha256Parts } from '../domain/canonical';

/** 64 zeros: the `prev_hash` of the first audit event (genesis). */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 of the UTF-8 bytes of `text`, lowercase hex.
 * Example: sha256Hex('abc') = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
 * (FIPS 180-2, appendix B.1).
 */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * Native `Sha256Parts` (node:crypto, incremental updates): lowercase hex SHA-256 of the
 * concatenated parts, strings as UTF-8. Same result as the pure one in src/domain/canonical,
 * several times faster on the ~10 MB of packed price history of a large rebalance request, which
 * is why the adapters hand this one to the services for the input hash.
 * Example: sha256Parts(['a', Uint8Array.of(0x62, 0x63)]) = sha256Hex('abc')
 *        = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'.
 */
export const sha256Parts: Sha256Parts = (parts) => {
  const h = createHash('sha256');
  for (const p of parts) {
    if (typeof p === 'string') h.update(p, 'utf8');
    else h.update(p);
  }
  return h.digest('hex');
};

/**
 * Canonical JSON (keys sorted, no whitespace, non-finite numbers refused): the engine's one
 * implementation, shared so that run inputs, outputs and audit payloads serialize identically.
 */
export { canonicalJson } from '../domain/canonical';

/**
 * The chain hash of one audit event:
 *   hash = SHA-256( JSON.stringify([seq, ts, actor, action, subject, payload_hash, prev_hash]) )
 * The array form fixes field order; every member is an integer or a string, so the
 * serialization is unique. Worked example (checked against Python hashlib in
 * test/reference/store_audit_hash.py):
 *   payload_json = '{"from":"light","to":"dark"}'
 *   payload_hash = '36fcf749376d6c8696ec6608289d6fd6ba7f578609b43beb6cc11ee0a668d871'
 *   chainHash(1, '2026-01-01T00:00:00.000Z', 'alice', 'settings.changed', 'theme',
 *             payload_hash, GENESIS_HASH)
 *   = 'a1652f591eadf3b5e87a252c2c2bb09c88227dd1096783e2216eed1922b90ff3'
 * The hashed text is
 *   [1,"2026-01-01T00:00:00.000Z","alice","settings.changed","theme","36fc…d871","0000…0000"]
 */
export function chainHash(
  seq: number,
  ts: string,
  actor: string,
  action: string,
  subject: string,
  payloadHash: string,
  prevHash: string,
): string {
  return sha256Hex(JSON.stringify([seq, ts, actor, action, subject, payloadHash, prevHash]));
}
