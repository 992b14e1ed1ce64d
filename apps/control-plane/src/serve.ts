import type { ControlPlaneHooks } from './lifecycle/control-plane-hooks';
import { createApp } from './bootstrap';
import { resolveNodeIdentity } from './config/node-identity';
import { ConfigError, loadConfig } from './config/warden-config';
import { createPinoLogger } from './observability/pino-logger';

/**
 * Runs the control plane as a process: config from the environment, the admin token printed
 * once, graceful stop on SIGTERM/SIGINT. `hooks` are for a test harness's own entry point.
 */
export async function serve(hooks?: ControlPlaneHooks): Promise<void> {
  const config = loadConfig();
  const logger = createPinoLogger(config.logLevel);
  const identity = resolveNodeIdentity(config);
  if (identity.generatedAdminToken) {
    // Printed once, on the start that generated it; later starts read it from the data dir.
    process.stdout.write(
      `\nwarden: generated the admin token (needed for POST /api/v1/org/create):\n\n  ${identity.generatedAdminToken}\n\n` +
        `It is kept in ${config.ledger === 'memory' ? 'memory only (memory ledger)' : `${config.dataDir}/admin-token`}; it will not be printed again.\n\n`,
    );
  }
  const app = await createApp({ config, identity, logger, hooks });
  // Graceful stop: stop taking requests, flush pending decision records, close the ledger, exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info(
    { host: config.http.host, port, ledger: config.ledger, dataDir: config.dataDir, nodeId: identity.nodeId },
    `warden control plane listening on http://${config.http.host}:${port}`,
  );
}

/** Ends a process whose start failed: a config error names the variable, anything else its stack. */
export function exitOnStartFailure(error: unknown): never {
  if (error instanceof ConfigError) process.stderr.write(`warden: ${error.message}\n`);
  else process.stderr.write(`warden: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
}
