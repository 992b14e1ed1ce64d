import { AppendNotifier } from './append-notifier';

describe('AppendNotifier', () => {
  describe('narrowed to stream prefixes', () => {
    it('neither counts nor wakes a reader for an append to another stream', () => {
      const notifier = new AppendNotifier();
      const woken: string[] = [];
      const seen = notifier.sequence(['org-']);
      notifier.listen(() => woken.push('org reader'), ['org-']);
      notifier.notify('decisions-node-a');
      expect(notifier.sequence(['org-'])).toBe(seen);
      expect(woken).toEqual([]);
    });

    it('counts and wakes for an append under one of its prefixes', () => {
      const notifier = new AppendNotifier();
      const woken: string[] = [];
      const seen = notifier.sequence(['org-', 'audit-']);
      notifier.listen(() => woken.push('reader'), ['org-', 'audit-']);
      notifier.notify('org-acme');
      expect(notifier.sequence(['org-', 'audit-'])).toBeGreaterThan(seen);
      expect(woken).toEqual(['reader']);
    });

    it('counts an append without a stream id for everybody', () => {
      const notifier = new AppendNotifier();
      const seen = notifier.sequence(['org-']);
      notifier.notify();
      expect(notifier.sequence(['org-'])).toBeGreaterThan(seen);
    });
  });

  it('counts and wakes an unnarrowed reader for every append', () => {
    const notifier = new AppendNotifier();
    let woken = 0;
    const seen = notifier.sequence();
    const unlisten = notifier.listen(() => woken++);
    notifier.notify('decisions-node-a');
    notifier.notify('org-acme');
    unlisten();
    notifier.notify('org-acme');
    expect(notifier.sequence()).toBe(seen + 3);
    expect(woken).toBe(2);
  });
});
