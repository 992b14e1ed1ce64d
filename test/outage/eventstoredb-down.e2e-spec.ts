import { EventStoreDbEventLedger } from '@warden/ledger';
import { EventStoreTestServer } from '@warden/testing';
import { rmSync } from 'node:fs';
import { startControlPlane } from '../support/control-plane.harness';
import { describeLedgerOutage } from './ledger-outage.scenario';

/**
 * The EventStoreDB ledger goes away under a running control plane: the in-process test server
 * closes every connection and call (`stop()`), then comes back on the same port with the
 * same data (`restart()`, which keeps its in-memory log), as a restarted node would.
 * (test/e2e/eventstoredb.e2e-spec.ts checks the basic deny-then-allow; this suite adds the
 * error bodies, the refused commands, read-your-writes after the outage and the audit.)
 */
describeLedgerOutage('the EventStoreDB server is down under the running control plane (WARDEN_LEDGER=eventstoredb)', () => {
  let server: EventStoreTestServer | undefined;
  let down = false;
  let dataDir: string | undefined;
  return {
    async start() {
      // Positions from 1, as on a real server ($all opens with system records) and as the ledger
      // port assumes: with the test server's default of 0 the audit read would miss the first event.
      server = await EventStoreTestServer.start({ firstPosition: 1n });
      const cp = await startControlPlane({ env: { WARDEN_LEDGER: 'eventstoredb', EVENTSTORE_URL: server.connectionString } });
      dataDir = cp.dataDir;
      return cp;
    },
    async injectFault() {
      down = true;
      await server!.stop();
    },
    async removeFault() {
      if (!down) return;
      await server!.restart();
      down = false;
    },
    openAuditLedger: () => EventStoreDbEventLedger.connect(server!.connectionString),
    async dispose() {
      await server?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
