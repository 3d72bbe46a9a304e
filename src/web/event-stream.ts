import type { IncomingMessage, ServerResponse } from 'node:http';
import { AddressCounts } from './address-counts';

/** What an event says, made for each client: `address` is this node's address as that client reached it. */
export type EventData = (address: string) => unknown;

/** A comment line this often keeps phones and proxies from dropping an idle stream. */
const KEEP_ALIVE_MS = 30_000;
/** A client that has not read this much of what it was sent is dropped: memory stays bounded. */
const MOST_UNREAD_BYTES = 64 * 1024;

/** The clients of `GET /api/events` (Server-Sent Events): a bounded number of them, and of them from one address. */
export class EventStreams {
  private readonly clients = new Map<ServerResponse, string>();
  private readonly perAddress: AddressCounts;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly most: number,
    mostPerAddress: number,
  ) {
    this.perAddress = new AddressCounts(mostPerAddress);
    this.timer = setInterval(() => this.write(() => ': still here\n\n'), KEEP_ALIVE_MS);
    // Never what keeps a stopping node alive.
    this.timer.unref();
  }

  /** Why a client at `remote` may not open one more stream now, or null. */
  refusal(remote: string): string | null {
    if (this.clients.size >= this.most) return 'too many pages are open on this node: close one';
    if (this.perAddress.held(remote) >= this.perAddress.mostPerAddress) {
      return `${this.perAddress.mostPerAddress} pages are open on this node from ${remote} already: close one`;
    }
    return null;
  }

  /** Starts a stream on `response` with the events `first` (its current state); `refusal` said yes. */
  open(request: IncomingMessage, response: ServerResponse, first: readonly [string, EventData][]): void {
    const release = this.perAddress.take(request.socket.remoteAddress ?? '');
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      // A buffering proxy (nginx) would hold the events back.
      'X-Accel-Buffering': 'no',
    });
    response.write('retry: 3000\n\n');
    const address = request.socket.localAddress ?? '';
    this.clients.set(response, address);
    response.on('close', () => {
      this.clients.delete(response);
      release?.();
    });
    for (const [event, data] of first) response.write(frame(event, data(address)));
  }

  send(event: string, data: EventData): void {
    // Most events are the same for every client: made once for each address.
    const made = new Map<string, string>();
    this.write((address) => {
      let text = made.get(address);
      if (text === undefined) made.set(address, (text = frame(event, data(address))));
      return text;
    });
  }

  close(): void {
    clearInterval(this.timer);
    for (const client of this.clients.keys()) client.end();
    this.clients.clear();
  }

  private write(text: (address: string) => string): void {
    for (const [client, address] of this.clients) {
      if (client.writableLength > MOST_UNREAD_BYTES) client.destroy();
      else client.write(text(address));
    }
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
