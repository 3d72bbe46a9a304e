import type * as dgram from 'node:dgram';
import { encode } from './codec';
import type { Message } from './message';
import type { PeerAddress } from '../../../machines/cluster/peer-address';

/**
 * Sends one message to `to` (an IPv4 address). dgram throws at once for some
 * addresses and ports rather than calling back: either way the error goes to `failed`.
 */
export function sendMessage(
  socket: dgram.Socket,
  message: Message,
  to: PeerAddress,
  failed: (error: Error) => void,
): void {
  try {
    socket.send(encode(message), to.port, to.address, (error) => {
      if (error) failed(error);
    });
  } catch (error) {
    failed(error as Error);
  }
}
