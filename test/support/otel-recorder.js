// Started in a service process with `--require` (the way an operator starts an OpenTelemetry
// SDK): a tracer provider whose exporter appends every finished span, as one JSON line, to the
// file named by TXMSG_TEST_SPANS_FILE, so a spec can read the service's spans.
const { appendFileSync } = require('node:fs');
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');

const file = process.env.TXMSG_TEST_SPANS_FILE;
const exporter = {
  export(spans, done) {
    for (const span of spans) {
      const parent = span.parentSpanContext ?? null;
      appendFileSync(
        file,
        `${JSON.stringify({
          name: span.name,
          kind: span.kind,
          traceId: span.spanContext().traceId,
          spanId: span.spanContext().spanId,
          parentSpanId: parent ? parent.spanId : null,
          attributes: span.attributes,
        })}\n`,
      );
    }
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);
