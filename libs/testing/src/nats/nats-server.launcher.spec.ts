import { connect } from 'nats';
import { NatsServerProcess } from './nats-server.launcher';

describe('NatsServerProcess', () => {
  it('starts on a random port, stops, and starts again on the same port', async () => {
    const server = await NatsServerProcess.start();
    try {
      expect(server.port).toBeGreaterThan(0);
      const port = server.port;
      let nc = await connect({ servers: server.url });
      await nc.close();
      await server.restart();
      expect(server.port).toBe(port);
      nc = await connect({ servers: server.url });
      const jsm = await nc.jetstreamManager();
      expect((await jsm.getAccountInfo()).limits).toBeDefined();
      await nc.close();
    } finally {
      await server.dispose();
    }
    expect(server.running).toBe(false);
  });
});
