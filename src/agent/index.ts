// The runtime agent, preloaded into the user's app:
//   node --require <project>/dist/agent.js app.js
// It follows each request through the real middleware chain (CONTRACT.md §4). It loads once
// per process, is off with MWCHAIN_AGENT=off, and any failure of its own ends in one warning
// line while the app goes on.
import { setBreakKinds } from './breaks';
import { parseBreakKinds, readConfig, type AgentConfig } from './config';
import { ControlChannel } from './control-channel';
import { report } from './findings';
import { connectInstrumentation } from './frameworks/connect';
import { expressInstrumentation } from './frameworks/express';
import { fastifyInstrumentation } from './frameworks/fastify';
import { koaInstrumentation } from './frameworks/koa';
import { configureHangWatch } from './hang-watch';
import { watchScriptsWhileStarting } from './locations';
import { installModuleHooks, type Instrumentation } from './module-hooks';
import { installProcessHooks } from './process-hooks';
import { markPending, finishRequest, type RequestTrace } from './request-trace';
import { installResponseHooks } from './response-hooks';
import { stepAside, warn } from './safety';
import { attachSinks } from './sink';
import { TraceFile } from './trace-file';

declare const AGENT_VERSION: string;

const LOADED = Symbol.for('mwchain.agent');
const INSTRUMENTATIONS: Instrumentation[] = [
  expressInstrumentation,
  koaInstrumentation,
  connectInstrumentation,
  fastifyInstrumentation,
];

function start(): void {
  const holder = globalThis as { [LOADED]?: string };
  if (holder[LOADED]) return; // a second --require, or NODE_OPTIONS inherited twice
  holder[LOADED] = __filename;
  const config = readConfig(process.env);
  if (config.off) return;
  try {
    setBreakKinds(config.breakKinds);
    const file = openTrace(config);
    const control = openControl(config);
    attachSinks(file, control);
    // trace lines name where each middleware is defined: list scripts while they load
    if (file || control) watchScriptsWhileStarting();
    configureHangWatch(config.hangMs, (trace, reason, idleMs) => onStopped(trace, reason, idleMs, config));
    installResponseHooks();
    installProcessHooks();
    installModuleHooks(INSTRUMENTATIONS);
  } catch (error) {
    stepAside(error);
  }
}

function openTrace(config: AgentConfig): TraceFile | undefined {
  if (!config.traceFile) return undefined;
  try {
    return new TraceFile(config.traceFile);
  } catch (error) {
    warn(`cannot write the trace file ${config.traceFile}: ${(error as Error).message}`);
    return undefined;
  }
}

function openControl(config: AgentConfig): ControlChannel | undefined {
  if (!config.controlPath) return undefined;
  const channel = new ControlChannel(
    config.controlPath,
    { type: 'hello', token: config.controlToken, pid: process.pid, agentVersion: AGENT_VERSION },
    (message) => {
      if (message.type === 'setBreak' && Array.isArray(message.kinds)) {
        const kinds = parseBreakKinds(message.kinds);
        setBreakKinds(kinds);
        channel.sendMessage({ type: 'breakModes', kinds: [...kinds] });
      }
    },
  );
  return channel.open() ? channel : undefined;
}

/** The chain stopped: no response, and the last middleware neither called next nor answered. */
function onStopped(
  trace: RequestTrace,
  reason: 'timeout' | 'aborted',
  idleMs: number,
  config: AgentConfig,
): void {
  const last = trace.lastEntered;
  const stopped =
    last !== undefined && (last.outcome === undefined || last.outcome === 'pending') && !trace.responded;
  if (stopped) {
    const why =
      reason === 'timeout'
        ? `no response ${idleMs} ms later (MWCHAIN_HANG_MS=${config.hangMs})`
        : `the client gave up after ${idleMs} ms without a response`;
    report(
      'unterminated-middleware',
      trace,
      last.info,
      `The chain stopped in \`${last.info.name}\`: it has not passed the request on, and nothing answered it: ${why}`,
    );
    markPending(trace);
  }
  if (reason === 'aborted') finishRequest(trace, false);
}

start();
