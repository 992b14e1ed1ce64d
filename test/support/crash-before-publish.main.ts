import 'reflect-metadata';
import { exitOnStartFailure, serve } from '../../apps/control-plane/src/serve';

/**
 * The control plane with one fault: it dies like `kill -9` once a revoke has been appended
 * and its NATS messages are about to be published. Run from source by spawnControlPlaneFromSource.
 */
serve({
  beforeNatsPublish: (messages) => {
    if (messages.some((message) => message.code === 'DEVICE_REVOKED')) process.kill(process.pid, 'SIGKILL');
  },
}).catch(exitOnStartFailure);
