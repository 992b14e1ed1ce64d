import { type KeyObject, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { WardenError } from '@warden/domain';

/** Loads an Ed25519 private key (a KeyObject or a PEM string); anything else is `invalid`. */
export function toSigningKey(key: KeyObject | string): KeyObject {
  const keyObject = typeof key === 'string' ? parseKey(() => createPrivateKey(key)) : key;
  if (keyObject.type !== 'private') throw badKey('the signing key must be a private key');
  return ensureEd25519(keyObject);
}

/** Loads an Ed25519 public key (a KeyObject or a PEM string; a private key yields its public half). */
export function toVerifyKey(key: KeyObject | string): KeyObject {
  const keyObject = typeof key === 'string' ? parseKey(() => createPublicKey(key)) : key;
  return ensureEd25519(keyObject.type === 'private' ? createPublicKey(keyObject) : keyObject);
}

/** SPKI PEM of a key's public half, as recorded in a signed manifest. */
export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'pem' }).toString();
}

/** Base64 Ed25519 signature of the exact manifest bytes. */
export function signManifest(manifestBytes: Buffer, key: KeyObject): string {
  return sign(null, manifestBytes, key).toString('base64');
}

/** True when the base64 signature is a valid Ed25519 signature of the bytes under the key. */
export function verifyManifestSignature(manifestBytes: Buffer, signature: string, key: KeyObject): boolean {
  try {
    return verify(null, manifestBytes, key, Buffer.from(signature.trim(), 'base64'));
  } catch {
    return false;
  }
}

function ensureEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw badKey('export signatures use Ed25519 keys');
  return key;
}

function parseKey(load: () => KeyObject): KeyObject {
  try {
    return load();
  } catch (cause) {
    throw badKey(`the key is not a readable PEM key${cause instanceof Error ? `: ${cause.message}` : ''}`);
  }
}

function badKey(message: string): WardenError {
  return new WardenError('invalid', 'invalid_export_key', message);
}
