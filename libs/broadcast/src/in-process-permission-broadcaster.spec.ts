import { BroadcastUnavailableError } from './broadcast.errors';
import { InProcessPermissionBroadcaster } from './in-process-permission-broadcaster';
import type { PermissionMessage } from './permission-contract';

function message(orgId: string, deviceId: string | null, code = 'DEVICE_REVOKED'): PermissionMessage {
  return { orgId, deviceId, allowed: code === 'ALLOW', code, position: '1', eventId: 'e1', at: '2030-01-01T00:00:00.000Z' };
}

describe('InProcessPermissionBroadcaster', () => {
  it("delivers a device's own messages and its org's org-level messages, nothing else", async () => {
    const hub = new InProcessPermissionBroadcaster();
    const received: PermissionMessage[] = [];
    hub.watch('o1', 'd1', (m) => received.push(m));
    const own = message('o1', 'd1');
    const org = message('o1', null, 'ORG_SUSPENDED');
    await hub.publish([message('o1', 'd2'), own, message('o2', 'd1'), org, message('o2', null)]);
    expect(received).toEqual([own, org]);
  });

  it("delivers every message of its org to an org watch (device and org-level), nothing of another org", async () => {
    const hub = new InProcessPermissionBroadcaster();
    const received: PermissionMessage[] = [];
    hub.watchOrg('o1', (m) => received.push(m));
    const device = message('o1', 'd2');
    const org = message('o1', null, 'ORG_SUSPENDED');
    await hub.publish([device, message('o2', 'd1'), org, message('o2', null)]);
    expect(received).toEqual([device, org]);
  });

  it('stops delivering to an org watch after its unsubscribe, which is idempotent', async () => {
    const hub = new InProcessPermissionBroadcaster();
    const received: string[] = [];
    const stop = hub.watchOrg('o1', (m) => received.push(m.code));
    hub.watch('o1', 'd1', () => undefined);
    expect(hub.watchCount).toBe(2);
    stop();
    stop();
    expect(hub.watchCount).toBe(1);
    await hub.publish([message('o1', 'd1')]);
    expect(received).toEqual([]);
  });

  it('delivers synchronously, before publish returns', () => {
    const hub = new InProcessPermissionBroadcaster();
    let calls = 0;
    hub.watch('o1', 'd1', () => calls++);
    void hub.publish([message('o1', 'd1')]);
    expect(calls).toBe(1);
  });

  it('stops delivering after unsubscribe, which is idempotent and only removes its own watch', async () => {
    const hub = new InProcessPermissionBroadcaster();
    const received: string[] = [];
    const listener = (m: PermissionMessage) => received.push(m.code);
    const first = hub.watch('o1', 'd1', listener);
    hub.watch('o1', 'd1', listener);
    first();
    first();
    expect(hub.watchCount).toBe(1);
    await hub.publish([message('o1', 'd1')]);
    expect(received).toEqual(['DEVICE_REVOKED']);
  });

  it('isolates a throwing listener and reports its error', async () => {
    const errors: unknown[] = [];
    const hub = new InProcessPermissionBroadcaster({ onListenerError: (error) => errors.push(error) });
    const failure = new BroadcastUnavailableError('listener gone');
    const received: PermissionMessage[] = [];
    hub.watch('o1', 'd1', () => {
      throw failure;
    });
    hub.watch('o1', 'd1', (m) => received.push(m));
    await hub.publish([message('o1', 'd1'), message('o1', null)]);
    expect(received).toHaveLength(2);
    expect(errors).toEqual([failure, failure]);
  });

  it('rejects publishes once closed', async () => {
    const hub = new InProcessPermissionBroadcaster();
    hub.watch('o1', 'd1', () => undefined);
    await hub.close();
    expect(hub.watchCount).toBe(0);
    await expect(hub.publish([message('o1', 'd1')])).rejects.toBeInstanceOf(BroadcastUnavailableError);
  });
});
