import { BroadcastUnavailableError } from './broadcast.errors';
import { HeartbeatPublisher, type HeartbeatSink } from './heartbeat-publisher';
import type { HeartbeatMessage } from './permission-contract';

describe('HeartbeatPublisher', () => {
  afterEach(() => jest.useRealTimers());

  it('sends nodeId, time and the relay position, 0 before the relay handled anything', async () => {
    const sent: HeartbeatMessage[] = [];
    let position: bigint | undefined;
    const heartbeats = new HeartbeatPublisher({
      sink: { publishHeartbeat: async (m) => void sent.push(m) },
      nodeId: 'node-1',
      position: () => position,
      now: () => '2030-01-01T00:00:00.000Z',
    });
    await heartbeats.beat();
    position = 12n;
    await heartbeats.beat();
    expect(sent).toEqual([
      { nodeId: 'node-1', at: '2030-01-01T00:00:00.000Z', position: '0' },
      { nodeId: 'node-1', at: '2030-01-01T00:00:00.000Z', position: '12' },
    ]);
  });

  it('swallows a failure and tries again on the next tick', async () => {
    jest.useFakeTimers();
    const errors: unknown[] = [];
    const sent: HeartbeatMessage[] = [];
    let down = true;
    const sink: HeartbeatSink = {
      publishHeartbeat: async (m) => {
        if (down) throw new BroadcastUnavailableError('NATS is reconnecting');
        sent.push(m);
      },
    };
    const heartbeats = new HeartbeatPublisher({ sink, nodeId: 'n', position: () => 1n, intervalMs: 100, onError: (e) => errors.push(e) });
    heartbeats.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    down = false;
    await jest.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(1);
    await heartbeats.stop();
    expect(heartbeats.running).toBe(false);
  });

  it('skips ticks while a heartbeat is still in flight', async () => {
    jest.useFakeTimers();
    let calls = 0;
    let release!: () => void;
    const sink: HeartbeatSink = {
      publishHeartbeat: () => {
        calls++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    };
    const heartbeats = new HeartbeatPublisher({ sink, nodeId: 'n', position: () => 1n, intervalMs: 10 });
    heartbeats.start();
    await jest.advanceTimersByTimeAsync(50);
    expect(calls).toBe(1);
    release();
    await jest.advanceTimersByTimeAsync(10);
    expect(calls).toBe(2);
    release();
    await heartbeats.stop();
  });
});
