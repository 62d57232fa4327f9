import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { readOrCreate } from '../../data-dir.ts'
import { join } from 'node:path'

/**
 * AES-256-GCM for secrets the kernel must read back (an IdP client secret) but that must not
 * sit in the database in clear. The key is generated once into the data dir.
 */
export function createSecretBox (dataDir: string) {
  const key = Buffer.from(readOrCreate(join(dataDir, 'secret-box.key'), () => randomBytes(32).toString('base64') + '\n').trim(), 'base64')
  return {
    seal (plain: string): string {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return ['v1', iv, cipher.getAuthTag(), data].map(p => typeof p === 'string' ? p : p.toString('base64url')).join('.')
    },
    open (sealed: string): string {
      const [version, iv, tag, data] = sealed.split('.')
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8')
    }
  }
}

export type SecretBox = ReturnType<typeof createSecretBox>
