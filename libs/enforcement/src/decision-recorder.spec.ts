import { LedgerUnavailableError, type PermissionDecided } from '@warden/domain';
import { InMemoryEventLedger } from '@warden/ledger';
import { FaultyEventLedger } from '@warden/testing';
import { DecisionRecorder } from './decision-recorder';

function decision(decisionId: string): PermissionDecided['data'] {
  return { decisionId, orgId: 'o', deviceId: 'd', action: 'validate', allowed: true, code: 'ALLOW', orgRevision: 1, decidedAt: 't' };
}

describe('DecisionRecorder (group commit)', () => {
  let ledger: FaultyEventLedger;

  beforeEach(() => {
    ledger = new FaultyEventLedger(new InMemoryEventLedger());
  });

  it('writes records that arrive together in one append, and resolves them once it is durable', async () => {
    const recorder = new DecisionRecorder(ledger, 'decisions-n1');
    await Promise.all(Array.from({ length: 50 }, (_, i) => recorder.record(decision(`d${i}`), 'k', `d${i}`)));
    expect(ledger.appendCalls).toBe(1);
    const stored = await ledger.readStream('decisions-n1');
    expect(stored.map((event) => event.eventId)).toEqual(Array.from({ length: 50 }, (_, i) => `d${i}`));
  });

  it('does not resolve a record before its append has completed', async () => {
    let release!: () => void;
    ledger.onceBeforeAppend(() => new Promise<void>((resolve) => (release = resolve)));
    const recorder = new DecisionRecorder(ledger, 'decisions-n1');
    let resolved = false;
    const recording = recorder.record(decision('d1'), 'k', 'd1').then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    expect(await ledger.readStream('decisions-n1')).toEqual([]);
    release();
    await recording;
    expect(resolved).toBe(true);
  });

  it('gathers records arriving while an append is in flight into the next batch', async () => {
    let release!: () => void;
    ledger.onceBeforeAppend(() => new Promise<void>((resolve) => (release = resolve)));
    const recorder = new DecisionRecorder(ledger, 'decisions-n1');
    const first = recorder.record(decision('first'), 'k', 'first');
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 10 }, (_, i) => recorder.record(decision(`later${i}`), 'k', `later${i}`));
    release();
    await Promise.all([first, ...later]);
    expect(ledger.appendCalls).toBe(2);
  });

  it('splits batches at maxBatch', async () => {
    const recorder = new DecisionRecorder(ledger, 'decisions-n1', { maxBatch: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => recorder.record(decision(`d${i}`), 'k', `d${i}`)));
    expect(ledger.appendCalls).toBe(3);
    expect(await ledger.readStream('decisions-n1')).toHaveLength(10);
  });

  it('rejects the whole batch with LedgerUnavailableError when the ledger cannot write, and recovers by itself', async () => {
    const recorder = new DecisionRecorder(ledger, 'decisions-n1');
    ledger.failAppends(new Error('disk on fire'));
    const failed = await Promise.allSettled([recorder.record(decision('a'), 'k', 'a'), recorder.record(decision('b'), 'k', 'b')]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(LedgerUnavailableError);

    ledger.heal();
    await recorder.record(decision('c'), 'k', 'c');
    expect((await ledger.readStream('decisions-n1')).map((event) => event.eventId)).toEqual(['c']);
  });

  it('waits with a linger time when configured, so records of different event-loop turns share a batch', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const recorder = new DecisionRecorder(ledger, 'decisions-n1', { lingerMs: 5 });
      const first = recorder.record(decision('a'), 'k', 'a');
      await new Promise((resolve) => setImmediate(resolve));
      const second = recorder.record(decision('b'), 'k', 'b');
      expect(ledger.appendCalls).toBe(0);
      jest.advanceTimersByTime(5);
      await Promise.all([first, second]);
      expect(ledger.appendCalls).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('flush() writes everything pending', async () => {
    const recorder = new DecisionRecorder(ledger, 'decisions-n1', { lingerMs: 1000 });
    const pending = recorder.record(decision('a'), 'k', 'a');
    await recorder.flush();
    await pending;
    expect(await ledger.readStream('decisions-n1')).toHaveLength(1);
  });
});
