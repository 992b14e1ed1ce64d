import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { LedgerIntegrityError } from '@warden/domain';
import type { EventMetadata, RecordedEvent } from './event-ledger.port';
import { GENESIS_HASH, linkEvent, verifyChain } from './hash-chain';

const metadata: EventMetadata = { actor: 'admin', correlationId: 'corr-1' };

/** A chain of `count` events of one stream, linked the way adapters link them. */
function chain(count: number): RecordedEvent[] {
  const events: RecordedEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < count; i++) {
    const draft = { type: 'DeviceRegistered', data: { deviceId: `d${i}`, labels: { zone: 'eu' } }, metadata };
    const linked = linkEvent(prevHash, draft);
    events.push({ ...draft, streamId: 'org-a', revision: BigInt(i), position: BigInt(100 + i), eventId: `e${i}`, metadata: linked });
    prevHash = linked.hash;
  }
  return events;
}

describe('hash chain', () => {
  it('starts from 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  describe('linkEvent', () => {
    it('hashes prevHash + canonical({type, data, metadata with prevHash, without hash})', () => {
      const prevHash = 'ab'.repeat(32);
      const data = { z: 1, a: [true, null, 'x'], nested: { b: 2.5, a: 'é' } };
      const linked = linkEvent(prevHash, { type: 'OrgCreated', data, metadata: { ...metadata, hash: 'stale' } });
      const expected = createHash('sha256')
        .update(prevHash + canonicalize({ type: 'OrgCreated', data, metadata: { ...metadata, prevHash } }))
        .digest('hex');
      expect(linked).toEqual({ ...metadata, prevHash, hash: expected });
    });

    it('does not depend on key order, and does not touch the given metadata', () => {
      const given = { correlationId: 'corr-1', actor: 'admin' };
      const a = linkEvent(GENESIS_HASH, { type: 'T', data: { x: 1, y: 2 }, metadata: given });
      const b = linkEvent(GENESIS_HASH, { type: 'T', data: { y: 2, x: 1 }, metadata });
      expect(a.hash).toBe(b.hash);
      expect(given).toEqual({ correlationId: 'corr-1', actor: 'admin' });
    });

    it('refuses data that is not JSON as invalid', () => {
      expect(() => linkEvent(GENESIS_HASH, { type: 'T', data: { n: Number.NaN }, metadata })).toThrow(
        expect.objectContaining({ kind: 'invalid', code: 'event_not_serializable' }),
      );
      expect(() => linkEvent(GENESIS_HASH, { type: 'T', data: undefined, metadata })).toThrow(
        expect.objectContaining({ code: 'event_not_serializable' }),
      );
    });
  });

  describe('verifyChain', () => {
    it('accepts an intact chain and returns its last hash', () => {
      const events = chain(3);
      expect(verifyChain(events)).toBe(events[2].metadata.hash);
      expect(verifyChain(events.slice(1), events[0].metadata.hash)).toBe(events[2].metadata.hash);
      expect(verifyChain([])).toBe(GENESIS_HASH);
    });

    it('names the first event whose content no longer matches its hash', () => {
      const events = chain(3);
      events[1] = { ...events[1], data: { deviceId: 'forged', labels: { zone: 'eu' } } };
      expect(() => verifyChain(events)).toThrow(expect.objectContaining({ revision: 1n, position: 101n }));
      expect(() => verifyChain(events)).toThrow(LedgerIntegrityError);
    });

    it('names the first event whose prevHash does not link to its predecessor', () => {
      const events = chain(3);
      expect(() => verifyChain(events.slice(1))).toThrow(expect.objectContaining({ revision: 1n }));
      expect(() => verifyChain([events[0], events[2]])).toThrow(expect.objectContaining({ revision: 2n }));
    });

    it('refuses events of another stream in the chain', () => {
      const events = chain(2);
      events[1] = { ...events[1], streamId: 'org-b' };
      expect(() => verifyChain(events)).toThrow(expect.objectContaining({ streamId: 'org-b', revision: 1n }));
    });
  });
});
