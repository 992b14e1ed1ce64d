import { type ServerReadableStream, type sendUnaryData, status } from '@grpc/grpc-js';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { AppendReq, AppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { EventStoreTestData, ProposedRecord, WireExpected } from './event-store-test-data';

type AppendCall = ServerReadableStream<AppendReq, AppendResp>;
const Case = AppendReq.Options.ExpectedStreamRevisionCase;

/**
 * The Append call (client streaming): the first message carries the options (stream and
 * expected revision), the following ones the proposed events. Answered once the client ends.
 * `refused()` is read when the call ends, so an append can be refused mid-flight.
 */
export function handleAppend(
  data: EventStoreTestData,
  refused: () => boolean,
  call: AppendCall,
  callback: sendUnaryData<AppendResp>,
): void {
  let options: AppendReq.Options | undefined;
  const proposed: ProposedRecord[] = [];
  call.on('data', (request: AppendReq) => {
    if (request.hasOptions()) {
      options = request.getOptions();
      return;
    }
    const message = request.getProposedMessage();
    if (message === undefined) return;
    proposed.push({
      id: message.getId()?.getString() ?? '',
      metadata: new Map(message.getMetadataMap().toArray() as [string, string][]),
      data: message.getData_asU8(),
      customMetadata: message.getCustomMetadata_asU8(),
    });
  });
  call.on('error', () => undefined);
  call.on('end', () => {
    if (refused()) {
      callback({ code: status.UNAVAILABLE, details: 'test server refuses appends' });
      return;
    }
    if (options === undefined) {
      callback({ code: status.INVALID_ARGUMENT, details: 'append without options' });
      return;
    }
    const streamId = Buffer.from(options.getStreamIdentifier()?.getStreamName_asU8() ?? []).toString('utf8');
    const expected = wireExpected(options);
    const outcome = data.append(streamId, expected, proposed);
    const response = new AppendResp();
    if (outcome.ok) {
      const success = new AppendResp.Success();
      if (outcome.revision < 0n) success.setNoStream(new Empty());
      else success.setCurrentRevision(outcome.revision.toString());
      const position = new AppendResp.Position()
        .setCommitPosition(outcome.position.toString())
        .setPreparePosition(outcome.position.toString());
      success.setPosition(position);
      callback(null, response.setSuccess(success));
      return;
    }
    callback(null, response.setWrongExpectedVersion(wrongExpectedVersion(expected, outcome.current)));
  });
}

function wireExpected(options: AppendReq.Options): WireExpected {
  switch (options.getExpectedStreamRevisionCase()) {
    case Case.NO_STREAM:
      return { kind: 'no_stream' };
    case Case.STREAM_EXISTS:
      return { kind: 'stream_exists' };
    case Case.REVISION:
      return { kind: 'revision', revision: BigInt(options.getRevision()) };
    default:
      return { kind: 'any' };
  }
}

function wrongExpectedVersion(expected: WireExpected, current: bigint | undefined): AppendResp.WrongExpectedVersion {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (current === undefined) wrong.setCurrentNoStream(new Empty());
  else wrong.setCurrentRevision(current.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new Empty());
  else wrong.setExpectedAny(new Empty());
  return wrong;
}
