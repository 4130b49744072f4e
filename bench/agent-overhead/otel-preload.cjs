// Preloaded (`node --require`) into the comparison variant of the agent-overhead app: the
// OpenTelemetry HTTP + Express instrumentations writing every span to an in-memory exporter.
// Answers {type: 'spans'} over IPC with the spans counted since the last question, so the bench can
// check that OpenTelemetry actually traced the Express layers.
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express');

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
registerInstrumentations({ instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()] });

const counts = { server: 0, middleware: 0, handler: 0, other: 0 };
function drain() {
  for (const span of exporter.getFinishedSpans()) {
    const type = span.attributes['express.type'];
    if (type === 'middleware') counts.middleware++;
    else if (type === 'request_handler') counts.handler++;
    else if (span.kind === 1 /* SpanKind.SERVER */) counts.server++;
    else counts.other++;
  }
  exporter.reset();
}
// The exporter keeps every span until reset: drained often, the heap stays as small as with an
// exporter that ships its spans, and the cost measured is tracing rather than a growing heap's GC.
setInterval(drain, 100).unref();

process.on('message', (msg) => {
  if (msg?.type !== 'spans') return;
  drain();
  process.send({ type: 'spans', ...counts });
  for (const k of Object.keys(counts)) counts[k] = 0;
});
