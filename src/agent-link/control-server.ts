// The extension's end of the agent's control channel (CONTRACT.md §4, src/agent/control-channel.ts):
// a Unix socket in a private (0700) directory of its own. An agent must say `hello` with the
// token first; anything else closes the connection. No `vscode` import: tests drive it with the
// real agent.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FromAgent, ToAgent } from '../protocol/agent-messages';

/** One agent (one Node process) that said hello. */
export interface AgentConnection {
  readonly id: number;
  readonly pid: number;
  readonly agentVersion: string;
  send(message: ToAgent): void;
}

export interface ControlListener {
  connected?(agent: AgentConnection): void;
  message?(agent: AgentConnection, message: FromAgent): void;
  disconnected?(agent: AgentConnection): void;
}

/** The longest line an agent may send; a longer one means a confused peer. */
const MAX_LINE = 4 * 1024 * 1024;

export class ControlServer {
  readonly token = randomBytes(16).toString('hex');
  readonly socketPath: string;
  private readonly dir: string | undefined;
  private readonly server: net.Server;
  private readonly agents = new Set<AgentConnection>();
  private nextId = 1;

  constructor(private readonly listener: ControlListener) {
    if (process.platform === 'win32') {
      this.socketPath = `\\\\.\\pipe\\mwchain-${randomBytes(8).toString('hex')}`;
    } else {
      // mkdtemp makes the directory 0700, which the agent insists on
      this.dir = mkdtempSync(path.join(os.tmpdir(), 'mwchain-'));
      this.socketPath = path.join(this.dir, 'control.sock');
    }
    this.server = net.createServer((socket) => this.accept(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  connections(): AgentConnection[] {
    return [...this.agents];
  }

  broadcast(message: ToAgent): void {
    for (const agent of this.agents) agent.send(message);
  }

  dispose(): void {
    this.server.close();
    for (const agent of this.agents) (agent as Connection).socket.destroy();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private accept(socket: net.Socket): void {
    let agent: Connection | undefined;
    let input = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      input += chunk;
      let start = 0;
      let nl: number;
      while ((nl = input.indexOf('\n', start)) >= 0) {
        const line = input.slice(start, nl);
        start = nl + 1;
        const message = parse(line);
        if (!agent) {
          if (message?.type !== 'hello' || message.token !== this.token) {
            socket.destroy();
            return;
          }
          agent = new Connection(this.nextId++, message.pid, message.agentVersion, socket);
          this.agents.add(agent);
          this.listener.connected?.(agent);
        } else if (message) {
          this.listener.message?.(agent, message);
        }
      }
      input = input.slice(start);
      if (input.length > MAX_LINE) socket.destroy();
    });
    socket.on('error', () => {}); // the app died or closed: 'close' follows
    socket.on('close', () => {
      if (agent && this.agents.delete(agent)) this.listener.disconnected?.(agent);
    });
  }
}

class Connection implements AgentConnection {
  constructor(
    readonly id: number,
    readonly pid: number,
    readonly agentVersion: string,
    readonly socket: net.Socket,
  ) {}

  send(message: ToAgent): void {
    if (!this.socket.destroyed) this.socket.write(`${JSON.stringify(message)}\n`);
  }
}

function parse(line: string): FromAgent | undefined {
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && typeof (value as { type?: unknown }).type === 'string'
      ? (value as FromAgent)
      : undefined;
  } catch {
    return undefined;
  }
}
