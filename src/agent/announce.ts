// Tells the extension which frameworks the agent found, once each.
import { sink } from './sink';

export const instrumented = new Set<string>();

export function announce(framework: string): void {
  if (instrumented.has(framework)) return;
  instrumented.add(framework);
  sink.control?.sendMessage({ type: 'instrumented', framework, version: null });
}
