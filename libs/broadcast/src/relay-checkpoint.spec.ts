import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RelayCheckpointCorruptError, RelayCheckpointUnavailableError } from './broadcast.errors';
import { FileRelayCheckpointStore, InMemoryRelayCheckpointStore } from './relay-checkpoint';

describe('FileRelayCheckpointStore', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'warden-checkpoint-'));
    path = join(dir, 'relay', 'checkpoint.json');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads nothing before the first save', async () => {
    expect(await new FileRelayCheckpointStore(path).load()).toBeUndefined();
  });

  it('round-trips positions beyond 2^64 across instances, leaving no temporary file', async () => {
    const position = 2n ** 70n + 3n;
    await new FileRelayCheckpointStore(path).save(position);
    expect(await new FileRelayCheckpointStore(path).load()).toBe(position);
    expect(readdirSync(join(dir, 'relay'))).toEqual(['checkpoint.json']);
  });

  it('keeps the last of several saves made without waiting', async () => {
    const store = new FileRelayCheckpointStore(path);
    await Promise.all([store.save(1n), store.save(2n), store.save(3n)]);
    expect(await store.load()).toBe(3n);
  });

  it.each([
    ['not JSON', 'garbage'],
    ['empty', ''],
    ['a number instead of a decimal string', '{"version":1,"position":12}'],
    ['a negative position', '{"version":1,"position":"-1"}'],
    ['an unknown version', '{"version":2,"position":"12"}'],
  ])('reports a file that is %s as corrupt', async (_, content) => {
    mkdirSync(join(dir, 'relay'));
    writeFileSync(path, content);
    const error = await new FileRelayCheckpointStore(path).load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelayCheckpointCorruptError);
    expect(error).toMatchObject({ kind: 'corrupt', code: 'relay_checkpoint_corrupt' });
  });

  it('reports an unreadable checkpoint as unavailable', async () => {
    mkdirSync(path, { recursive: true });
    await expect(new FileRelayCheckpointStore(path).load()).rejects.toBeInstanceOf(RelayCheckpointUnavailableError);
  });

  it('refuses a negative position', async () => {
    await expect(new FileRelayCheckpointStore(path).save(-1n)).rejects.toMatchObject({ kind: 'invalid' });
  });
});

describe('InMemoryRelayCheckpointStore', () => {
  it('starts from its initial position and keeps the last save', async () => {
    const store = new InMemoryRelayCheckpointStore(5n);
    expect(await store.load()).toBe(5n);
    await store.save(9n);
    expect(await store.load()).toBe(9n);
  });
});
