import fc from 'fast-check';
import { canonicalJson } from './canonical-json';
import { canonicalDecisionData, canonicalLinkMetadata } from './canonical-shapes';

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '"', '\\', '\u2028', '\u0000', 'é'));
const decision = fc.record({
  decisionId: text,
  orgId: text,
  deviceId: text,
  action: text,
  allowed: fc.boolean(),
  code: text,
  orgRevision: fc.oneof(fc.integer({ min: -1, max: 1_000_000 }), fc.constantFrom(-0, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER)),
  decidedAt: text,
});
const metadata = fc.record(
  { actor: text, correlationId: text, prevHash: text, causationId: fc.option(text, { nil: undefined }), hash: fc.constant(undefined) },
  { requiredKeys: ['actor', 'correlationId', 'prevHash'] },
);

describe('canonical shapes', () => {
  it('writes a decision record exactly as canonicalJson does', () => {
    fc.assert(fc.property(decision, (value) => canonicalDecisionData(value) === canonicalJson(value)), { numRuns: 2000 });
  });

  it('writes hashed metadata exactly as canonicalJson does', () => {
    fc.assert(fc.property(metadata, (value) => canonicalLinkMetadata(value) === canonicalJson(value)), { numRuns: 2000 });
  });

  it('declines anything of another shape, so canonicalJson handles it', () => {
    const base = { decisionId: 'a', orgId: 'o', deviceId: 'd', action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 1, decidedAt: 't' };
    for (const other of [
      { ...base, extra: 1 },
      { ...base, orgRevision: 1.5 },
      { ...base, allowed: 'yes' },
      { ...base, code: undefined },
      Object.assign(Object.create({ inherited: 1 }) as object, { ...base, decidedAt: undefined }),
      [base],
      null,
    ]) {
      expect(canonicalDecisionData(other)).toBeUndefined();
    }
    for (const other of [
      { actor: 'a', correlationId: 'c', prevHash: 'p', extra: 'x' },
      { actor: 'a', correlationId: 'c', prevHash: 'p', hash: 'h' },
      { actor: 'a', correlationId: 'c', prevHash: 'p', causationId: 7 },
      { actor: 'a', correlationId: 'c' },
    ]) {
      expect(canonicalLinkMetadata(other)).toBeUndefined();
    }
  });
});
