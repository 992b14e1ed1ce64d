import type { INestApplication } from '@nestjs/common';
import { PermissionPush } from '../../apps/control-plane/src/lifecycle/permission-push';
import { eventually } from './eventually';

/** Resolves once the app's NATS side is up (relay caught up, request/reply listening), as /health reports it. */
export async function natsReady(app: INestApplication, timeoutMs = 20_000): Promise<void> {
  const push = app.get(PermissionPush);
  await eventually(async () => push.natsState, (state) => state === 'up', { timeoutMs, intervalMs: 10, what: 'the NATS side up' });
}
