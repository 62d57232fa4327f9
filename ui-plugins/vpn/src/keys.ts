/**
 * A WireGuard key pair made in the browser with WebCrypto (X25519). The private key is returned
 * to the caller only: nothing here sends anything anywhere.
 */
export async function generateKeyPair (): Promise<{ privateKey: string, publicKey: string }> {
  const pair = await crypto.subtle.generateKey({ name: 'X25519' }, true, ['deriveBits']) as CryptoKeyPair
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  // PKCS#8 of an X25519 key: a 16-byte header, then the 32-byte private key.
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  return { privateKey: base64(pkcs8.slice(pkcs8.length - 32)), publicKey: base64(pub) }
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes))

/** The config the server rendered, with the private key in place of its placeholder line. */
export function withPrivateKey (config: string, privateKey: string): string {
  return config.replace(/^# PrivateKey = .*$/m, `PrivateKey = ${privateKey}`)
}
