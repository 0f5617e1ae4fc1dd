import { createHash } from 'node:crypto';

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
