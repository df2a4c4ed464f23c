/** Serialises sends on one zeromq socket: zeromq v6 refuses a send while another is in flight. */
import type { Writable } from "zeromq";

export class SerialSender {
  private tail: Promise<void> = Promise.resolve();
  constructor(private readonly socket: Writable, private readonly onError: (err: unknown) => void) {}

  send(frames: (Buffer | string)[]): Promise<void> {
    const next = this.tail.then(() => this.socket.send(frames)).catch(this.onError);
    this.tail = next;
    return next;
  }

  /** Resolves once everything queued so far has been handed to zeromq. */
  flush(): Promise<void> {
    return this.tail;
  }
}
