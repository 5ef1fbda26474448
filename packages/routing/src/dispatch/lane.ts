const ignore = () => undefined;

/**
 * Runs jobs one after another, in the order they were queued. The routing engine is
 * synchronous and core's writes are not: every core write of one tenant goes through one
 * lane, so writes land in the order the engine decided and notices leave in that order.
 * A failing job does not stop the ones behind it.
 */
export class Lane {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  /** Jobs queued or running. */
  get size(): number {
    return this.queued;
  }

  /** Queues a job; the promise settles with the job's outcome. Never await it from inside a job. */
  run<T>(job: () => Promise<T> | T): Promise<T> {
    this.queued++;
    const result = this.tail.then(job).finally(() => {
      this.queued--;
    });
    this.tail = result.then(ignore, ignore);
    return result;
  }

  /** Resolves once every job, including those queued meanwhile, has finished. */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.tail;
  }
}
