/**
 * Runs async critical sections one at a time, in call order. The journal adapter takes it
 * for every operation and holds it for a whole transaction, which is what makes seq
 * assignment, claims and uniqueness checks race-free even though each one awaits the disk.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section);
    // The next section waits for this one to settle, whether it succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
