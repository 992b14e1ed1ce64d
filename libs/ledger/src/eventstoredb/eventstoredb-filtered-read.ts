import { EventStoreDBClient, convertToCommandError } from '@eventstore/db-client';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, type ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { type EsdbRecord, parseJsonBytes } from './eventstoredb-events';

/** Stream-name filter: prefixes, or a regular expression. */
export type StreamFilter = { prefixes: string[] } | { regex: string };

/** Every stream that is not an EventStoreDB system stream (those start with `$`). */
export const NON_SYSTEM_STREAMS: StreamFilter = { regex: '^[^$]' };

export interface FilteredReadRequest {
  /** Inclusive start position (EventStoreDB read semantics); undefined: start (forwards) or end (backwards). */
  from: bigint | undefined;
  direction: 'forwards' | 'backwards';
  filter: StreamFilter;
  maxCount: number;
}

const Options = ReadReq.Options;

/**
 * A filtered read of `$all` (Read with `count` and a stream-name filter): the server filters,
 * so a prefix read does not pull every event over the wire. @eventstore/db-client 6.2.1 only
 * exposes filters on subscriptions; the read goes through the client's own connection
 * (`execute`, which also triggers its reconnect logic) with the generated messages.
 */
export abstract class FilteredReadClient extends EventStoreDBClient {
  static read(client: EventStoreDBClient, request: FilteredReadRequest): Promise<EsdbRecord[]> {
    const self = client as unknown as FilteredReadClient;
    const req = new ReadReq().setOptions(buildOptions(request));
    return self.execute(StreamsClient, 'readAllFiltered', (grpc) => {
      return new Promise<EsdbRecord[]>((resolve, reject) => {
        const records: EsdbRecord[] = [];
        const call = grpc.read(req, ...self.callArguments({}));
        call.on('data', (resp: ReadResp) => {
          const recorded = resp.getEvent()?.getEvent();
          if (recorded !== undefined) records.push(fromGrpc(recorded));
        });
        call.on('error', (error: Error) => reject(convertToCommandError(error)));
        call.on('end', () => resolve(records));
      });
    });
  }
}

function buildOptions(request: FilteredReadRequest): ReadReq.Options {
  const all = new Options.AllOptions();
  if (request.from === undefined) {
    if (request.direction === 'forwards') all.setStart(new Empty());
    else all.setEnd(new Empty());
  } else {
    const from = request.from.toString();
    all.setPosition(new Options.Position().setCommitPosition(from).setPreparePosition(from));
  }
  const expression = new Options.FilterOptions.Expression();
  if ('prefixes' in request.filter) expression.setPrefixList(request.filter.prefixes);
  else expression.setRegex(request.filter.regex);
  const filter = new Options.FilterOptions().setStreamIdentifier(expression).setCount(new Empty());
  filter.setCheckpointintervalmultiplier(1);
  return new Options()
    .setAll(all)
    .setReadDirection(request.direction === 'forwards' ? Options.ReadDirection.FORWARDS : Options.ReadDirection.BACKWARDS)
    .setResolveLinks(false)
    .setCount(String(request.maxCount))
    .setFilter(filter)
    .setUuidOption(new Options.UUIDOption().setString(new Empty()));
}

function fromGrpc(recorded: ReadResp.ReadEvent.RecordedEvent): EsdbRecord {
  const metadata = recorded.getMetadataMap();
  return {
    streamId: Buffer.from(recorded.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8'),
    id: recorded.getId()?.getString() ?? '',
    revision: BigInt(recorded.getStreamRevision()),
    position: BigInt(recorded.getCommitPosition()),
    type: metadata.get('type') ?? '',
    data: parseJsonBytes(recorded.getData_asU8()),
    metadata: parseJsonBytes(recorded.getCustomMetadata_asU8()),
  };
}
