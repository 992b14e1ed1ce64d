import { randomUUID } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, type ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { handleAppend } from './event-store-append';
import {
  caughtUpMessage,
  confirmationMessage,
  eventMessage,
  readAll,
  readFilter,
  readStream,
  subscriptionStart,
} from './event-store-read';
import { EventStoreTestData } from './event-store-test-data';

type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

/** Options of {@link EventStoreTestServer.start}. */
export interface EventStoreTestServerOptions {
  /**
   * Commit (= prepare) position of the first event (default 1n, as on a real server, where
   * no user event sits at 0: the ledger's reads start *after* a position, so an event at 0
   * would never be read); may exceed 2^53.
   */
  firstPosition?: bigint;
  /** Distance between the positions of consecutive events (default 1n). */
  positionStep?: bigint;
}

/** Server version announced by ServerFeatures. */
const SERVER_VERSION = '23.10.0';

/**
 * An in-process EventStoreDB for tests: the Streams gRPC service (Append, Read of streams and
 * `$all`, `$all` subscriptions with filter, confirmation and caught-up) and ServerFeatures,
 * built on the client package's own generated service definitions, on 127.0.0.1, insecure.
 * BatchAppend is not announced, so the client falls back to Append.
 *
 * Fault injection: {@link dropSubscriptions}, {@link refuseAppends}, {@link stop} and
 * {@link restart} (same port, data kept).
 */
export class EventStoreTestServer {
  private server: Server | undefined;
  private refusing = false;
  private readonly subscriptions = new Map<ReadCall, () => void>();

  private constructor(
    readonly data: EventStoreTestData,
    private boundPort: number,
  ) {}

  /** Starts a server on 127.0.0.1 and a random free port. */
  static async start(options: EventStoreTestServerOptions = {}): Promise<EventStoreTestServer> {
    const data = new EventStoreTestData(options.firstPosition ?? 1n, options.positionStep ?? 1n);
    const server = new EventStoreTestServer(data, 0);
    await server.listen();
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Connection string for `EventStoreDBClient.connectionString`. */
  get connectionString(): string {
    return `esdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  /** Ends every open subscription with gRPC UNAVAILABLE, as a server going through a leader change would. */
  dropSubscriptions(): void {
    for (const [call, stop] of [...this.subscriptions]) {
      stop();
      call.emit('error', { code: status.UNAVAILABLE, details: 'test server dropped the subscription' });
    }
    this.subscriptions.clear();
  }

  /** While on, every append fails with gRPC UNAVAILABLE (reads still work). */
  refuseAppends(on: boolean): void {
    this.refusing = on;
  }

  /** Goes away: closes every connection and call at once. Data is kept for {@link restart}. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    for (const stop of this.subscriptions.values()) stop();
    this.subscriptions.clear();
    server.forceShutdown();
  }

  /** Comes back on the same port with the same data. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  private listen(): Promise<void> {
    const server = new Server();
    server.addService(StreamsService, {
      read: (call: ReadCall) => this.read(call),
      append: handleAppend.bind(undefined, this.data, () => this.refusing),
      delete: unimplemented,
      tombstone: unimplemented,
      batchAppend: (call: { emit(event: string, error: unknown): void }) =>
        call.emit('error', { code: status.UNIMPLEMENTED, details: 'BatchAppend is not implemented' }),
    });
    server.addService(ServerFeaturesService, { getSupportedMethods: supportedMethods });
    return new Promise((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${this.boundPort}`, ServerCredentials.createInsecure(), (error, port) => {
        if (error) return reject(error);
        this.boundPort = port;
        this.server = server;
        resolve();
      });
    });
  }

  private read(call: ReadCall): void {
    const options = call.request.getOptions() as ReadReq.Options;
    const Options = ReadReq.Options;
    const subscription = options.getCountOptionCase() === Options.CountOptionCase.SUBSCRIPTION;
    const ofAll = options.getStreamOptionCase() === Options.StreamOptionCase.ALL;
    if (!subscription) return ofAll ? readAll(this.data, call, options) : readStream(this.data, call, options);
    if (!ofAll) {
      call.emit('error', { code: status.UNIMPLEMENTED, details: 'stream subscriptions are not implemented' });
      return;
    }
    this.subscribeToAll(call, options);
  }

  /**
   * Confirmation, the history after the start position, caught-up, then live events. The
   * history is sent and the live listener registered in the same synchronous step, so no
   * append can fall between them (no gap, no duplicate).
   */
  private subscribeToAll(call: ReadCall, options: ReadReq.Options): void {
    const filter = readFilter(options);
    const after = subscriptionStart(this.data, options);
    call.write(confirmationMessage(randomUUID()));
    for (const record of this.data.log) {
      if ((after === undefined || record.position > after) && filter(record)) call.write(eventMessage(record));
    }
    call.write(caughtUpMessage());
    const stop = this.data.onAppend((record) => {
      if (filter(record)) call.write(eventMessage(record));
    });
    this.subscriptions.set(call, stop);
    const forget = (): void => {
      stop();
      this.subscriptions.delete(call);
    };
    call.on('cancelled', forget);
    call.on('close', forget);
  }
}

function unimplemented(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>): void {
  callback({ code: status.UNIMPLEMENTED, details: 'not implemented by the test server' });
}

function supportedMethods(_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<SupportedMethods>): void {
  const method = (service: string, name: string, features: string[] = []): SupportedMethod =>
    new SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
  const streams = 'event_store.client.streams.streams';
  const reply = new SupportedMethods()
    .setEventStoreServerVersion(SERVER_VERSION)
    .setMethodsList([
      method(streams, 'read', ['all', 'position', 'events']),
      method(streams, 'append'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ]);
  callback(null, reply);
}
