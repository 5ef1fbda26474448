import { type FileHandle, open } from 'node:fs/promises';
import { IntegrityError } from '@hotline/core';
import type { Op } from './tables.js';

/**
 * The journal on disk: one JSON line per committed transaction. Only newline-terminated
 * lines count, so a crash in the middle of a write loses that transaction and nothing
 * else; the torn tail is cut off when the file is opened again.
 */
export class JournalFile {
  private constructor(
    private readonly handle: FileHandle,
    private readonly fsync: boolean,
  ) {}

  /** Opens (or creates) the journal and returns the transactions it holds, oldest first. */
  static async open(path: string, fsync: boolean): Promise<{ journal: JournalFile; transactions: Op[][] }> {
    const handle = await open(path, 'a+');
    try {
      const text = await handle.readFile('utf8');
      const end = text.lastIndexOf('\n') + 1;
      if (end < text.length) await handle.truncate(Buffer.byteLength(text.slice(0, end)));
      const transactions = text
        .slice(0, end)
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line, index) => {
          try {
            return JSON.parse(line) as Op[];
          } catch (cause) {
            throw new IntegrityError(`journal ${path} is corrupt at line ${index + 1}`, { cause });
          }
        });
      return { journal: new JournalFile(handle, fsync), transactions };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** Resolves once the transaction is on disk (flushed with fdatasync unless `fsync` is off). */
  async append(ops: readonly Op[]): Promise<void> {
    await this.handle.appendFile(`${JSON.stringify(ops)}\n`);
    if (this.fsync) await this.handle.datasync();
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
