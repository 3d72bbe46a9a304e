import * as http from 'node:http';
import * as net from 'node:net';

/*
 * A test's HTTP client for a node's page and API: plain requests, raw bytes, and the event
 * stream, each from 127.0.0.1 (or another address of 127/8) to a port of this machine.
 */

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1:`port` with the headers given (Host too: no default), from `from` when given (127/8). */
export function request(
  port: number,
  options: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    from?: string;
  } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path ?? '/api/state',
        headers: { Host: `127.0.0.1:${port}`, ...options.headers },
        agent: false,
        localAddress: options.from,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Raw bytes on a TCP connection (from `from` when given); resolves with everything the server sent before it closed. */
export function raw(port: number, bytes: string | Buffer, waitMs = 10_000, from?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: from });
    let got = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.setEncoding('utf8').on('data', (chunk: string) => (got += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}

/** An event stream: the events it has had, by name, parsed; from `from` when given (an address of 127/8). */
export function stream(port: number, host = `127.0.0.1:${port}`, from?: string) {
  const events: { event: string; data: unknown }[] = [];
  let status = 0;
  let buffer = '';
  const req = http.get(
    { host: '127.0.0.1', port, path: '/api/events', headers: { Host: host }, agent: false, localAddress: from },
    (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        const frames = buffer.split('\n\n');
        buffer = frames.pop() ?? '';
        for (const frame of frames) {
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
        }
      });
    },
  );
  req.on('error', () => undefined);
  return { events, status: () => status, close: () => req.destroy() };
}
