import { randomUUID } from 'node:crypto';
import { RequestError } from './cleaning-request';

/**
 * Requests that wait for the node's answer: each gets a ticket, sent with its event, and
 * resolves with the answer the node emits for that ticket, or fails (503) after `waitMs`.
 */
export class Tickets<Answer> {
  private readonly waiting = new Map<string, (answer: Answer) => void>();

  constructor(
    private readonly waitMs: number,
    /** What the 503 says when the node did not answer in time. */
    private readonly late: string,
  ) {}

  ask(send: (ticket: string) => void): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const ticket = randomUUID();
      const timer = setTimeout(() => {
        this.waiting.delete(ticket);
        reject(new RequestError(503, this.late));
      }, this.waitMs);
      this.waiting.set(ticket, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      send(ticket);
    });
  }

  answer(ticket: string, answer: Answer): void {
    this.waiting.get(ticket)?.(answer);
    this.waiting.delete(ticket);
  }
}
