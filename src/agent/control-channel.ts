// The extension's control socket: a Unix socket (named pipe on Windows) whose path comes in
// MWCHAIN_CONTROL, in a directory only its owner may enter. The agent connects, introduces
// itself with the token, streams events and takes `setBreak`. Events wait in a bounded queue:
// when the extension reads slower than the app produces, the oldest wait and new ones are
// dropped and counted, so the app never blocks on its debugger.
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { FromAgent, ToAgent } from '../protocol/agent-messages';
import { warn } from './safety';

const MAX_QUEUED = 10_000;
const SOCKET_HIGH_WATER = 1 << 20;

export class ControlChannel {
  private socket: net.Socket | undefined;
  private connected = false;
  private queue: string[] = [];
  private dropped = 0;
  private input = '';

  constructor(
    private readonly socketPath: string,
    private readonly hello: FromAgent,
    private readonly onMessage: (message: ToAgent) => void,
  ) {}

  /** False when the socket's directory is not private: then nothing is sent. */
  open(): boolean {
    if (process.platform !== 'win32' && !isPrivateDir(path.dirname(this.socketPath))) {
      warn(`control socket ignored: ${path.dirname(this.socketPath)} is not a private (0700) directory`);
      return false;
    }
    const socket = net.createConnection(this.socketPath);
    this.socket = socket;
    socket.unref(); // the app's lifetime is its own business
    socket.setEncoding('utf8');
    socket.on('connect', () => {
      this.connected = true;
      socket.write(`${JSON.stringify(this.hello)}\n`);
      this.pump();
    });
    socket.on('drain', () => this.pump());
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (error) => {
      warn(`control socket ${this.socketPath}: ${error.message}`, 'control-error');
    });
    socket.on('close', () => {
      this.connected = false;
      this.socket = undefined;
      this.queue = [];
    });
    return true;
  }

  get live(): boolean {
    return this.socket !== undefined;
  }

  /** `line` is one JSON object with its newline. */
  send(line: string): void {
    if (!this.socket) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    this.queue.push(line);
    if (this.connected && this.queue.length === 1) this.pump();
  }

  sendMessage(message: FromAgent): void {
    this.send(`${JSON.stringify(message)}\n`);
  }

  private pump(): void {
    const socket = this.socket;
    if (!socket || !this.connected) return;
    while (this.queue.length > 0 && socket.writableLength < SOCKET_HIGH_WATER) {
      if (this.dropped > 0) {
        socket.write(`${JSON.stringify({ type: 'dropped', count: this.dropped })}\n`);
        this.dropped = 0;
      }
      const batch = this.queue.splice(0, 512).join('');
      socket.write(batch);
    }
  }

  private receive(chunk: string): void {
    this.input += chunk;
    let newline: number;
    while ((newline = this.input.indexOf('\n')) >= 0) {
      const line = this.input.slice(0, newline);
      this.input = this.input.slice(newline + 1);
      try {
        const message = JSON.parse(line) as ToAgent;
        if (message && typeof message === 'object') this.onMessage(message);
      } catch {
        warn(`control socket sent a line that is not JSON: ${line.slice(0, 80)}`, 'control-json');
      }
    }
  }
}

function isPrivateDir(dir: string): boolean {
  try {
    const stat = fs.statSync(dir);
    const ownUid = process.getuid?.();
    return stat.isDirectory() && (stat.mode & 0o077) === 0 && (ownUid === undefined || stat.uid === ownUid);
  } catch {
    return false;
  }
}
