import {
  DECISIONS_STREAM_PREFIX,
  ORG_STREAM_PREFIX,
  decisionsStream,
  nodeIdFromStream,
  orgIdFromStream,
  orgStream,
  streamCategory,
} from './stream-names';

describe('stream names', () => {
  it('builds org and decisions streams from their prefixes', () => {
    expect(orgStream('acme')).toBe('org-acme');
    expect(decisionsStream('node-1')).toBe('decisions-node-1');
    expect(orgStream('acme').startsWith(ORG_STREAM_PREFIX)).toBe(true);
    expect(decisionsStream('n').startsWith(DECISIONS_STREAM_PREFIX)).toBe(true);
  });

  it('reads the id back, or undefined for another kind of stream', () => {
    expect(orgIdFromStream(orgStream('acme-eu'))).toBe('acme-eu');
    expect(orgIdFromStream(decisionsStream('n1'))).toBeUndefined();
    expect(orgIdFromStream('org-')).toBeUndefined();
    expect(nodeIdFromStream(decisionsStream('node-1'))).toBe('node-1');
    expect(nodeIdFromStream(orgStream('a'))).toBeUndefined();
  });

  it('takes the category up to and including the first dash', () => {
    expect(streamCategory('org-acme-eu')).toBe('org-');
    expect(streamCategory('decisions-n1')).toBe('decisions-');
    expect(streamCategory('plain')).toBe('plain');
  });
});
