import { WardenError } from '@warden/domain';
import { WatchSlots } from './watch-slots';

const key = (orgId: string, keyId = 'k1') => ({ orgId, keyId, scope: 'runtime' as const });

describe('WatchSlots', () => {
  it('gives a key up to its cap, then refuses with 429 too_many_watches', () => {
    const slots = new WatchSlots(2, 10);
    slots.acquire(key('o1'));
    slots.acquire(key('o1'));
    let refusal: unknown;
    try {
      slots.acquire(key('o1'));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(WardenError);
    expect(refusal).toMatchObject({ kind: 'limited', code: 'too_many_watches', details: { limit: 2 } });
    expect(slots.count).toBe(2);
  });

  it('counts keys apart, even of one org, and orgs apart', () => {
    const slots = new WatchSlots(1, 10);
    slots.acquire(key('o1', 'k1'));
    slots.acquire(key('o1', 'k2'));
    slots.acquire(key('o2', 'k1'));
    expect(slots.count).toBe(3);
    expect([...slots.openByOrg()]).toEqual([
      ['o1', 2],
      ['o2', 1],
    ]);
  });

  it('refuses every key once the node holds its cap', () => {
    const slots = new WatchSlots(5, 3);
    for (const org of ['o1', 'o2', 'o3']) slots.acquire(key(org));
    expect(() => slots.acquire(key('o4'))).toThrow(expect.objectContaining({ code: 'too_many_watches', details: { limit: 3 } }));
  });

  it('frees a slot when it is given back, once however often release is called', () => {
    const slots = new WatchSlots(1, 2);
    const release = slots.acquire(key('o1'));
    slots.acquire(key('o2'));
    release();
    release();
    expect(slots.count).toBe(1);
    expect([...slots.openByOrg()]).toEqual([['o2', 1]]);
    slots.acquire(key('o1'));
    expect(() => slots.acquire(key('o3'))).toThrow(/as many watches as it may/);
  });
});
