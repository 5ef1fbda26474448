import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type BlobMeta, createMemoryBlobStore } from './blob-store.js';
import { createFsBlobStore } from './fs-blob-store.js';

const meta = (size: number): BlobMeta => ({
  contentType: 'image/png',
  size,
  name: '../../etc/passwd',
  createdAt: '2026-01-01T00:00:00.000Z',
  tags: { tenantId: 'ten_1', conversationId: 'cnv_1' },
});

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.each([
  [
    'filesystem',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'hotline-blobs-'));
      dirs.push(dir);
      return { store: createFsBlobStore({ directory: dir }), dir };
    },
  ],
  ['memory', async () => ({ store: createMemoryBlobStore(), dir: undefined })],
])('%s blob store', (_name, make) => {
  it('puts, heads, gets, replaces and deletes', async () => {
    const { store } = await make();
    expect(await store.head('att_1')).toBeUndefined();
    await store.put('att_1', Uint8Array.of(1, 2, 3), meta(3));
    expect(await store.head('att_1')).toEqual(meta(3));
    expect(await store.get('att_1')).toEqual({ meta: meta(3), bytes: Uint8Array.of(1, 2, 3) });
    await store.put('att_1', Uint8Array.of(9), meta(1));
    expect((await store.get('att_1'))?.bytes).toEqual(Uint8Array.of(9));
    expect(await store.delete('att_1')).toBe(true);
    expect(await store.delete('att_1')).toBe(false);
    expect(await store.get('att_1')).toBeUndefined();
  });

  it('refuses keys that are paths', async () => {
    const { store } = await make();
    for (const key of ['../x', 'a/b', '', '.hidden', 'a\\b', 'x'.repeat(129)]) {
      await expect(store.put(key, Uint8Array.of(1), meta(1)), key).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      await expect(store.get(key), key).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('keeps keys that differ only in case apart', async () => {
    const { store } = await make();
    await store.put('att_A', Uint8Array.of(1), meta(1));
    await store.put('att_a', Uint8Array.of(2), meta(1));
    expect((await store.get('att_A'))?.bytes).toEqual(Uint8Array.of(1));
    expect((await store.get('att_a'))?.bytes).toEqual(Uint8Array.of(2));
  });
});

describe('filesystem blob store on disk', () => {
  it('names files after key hashes and leaves no temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotline-blobs-'));
    dirs.push(dir);
    const store = createFsBlobStore({ directory: join(dir, 'nested') });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`att_${i}`, Uint8Array.of(i), meta(1))));
    const files = await allFiles(join(dir, 'nested'));
    expect(files).toHaveLength(40);
    for (const file of files)
      expect(file.slice(dir.length)).toMatch(/^\/nested\/[0-9a-f]{2}\/[0-9a-f]{64}\.(bin|json)$/);
  });
});
