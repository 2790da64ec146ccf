// W3C trace context through txmsg (SPEC §5), with `@opentelemetry/api`: calls send the context
// active where they are made (as headers, or as fields of a batch entry when calls are coalesced),
// and push and pull handlers run `handle` inside the context the message was produced in, so a
// consumer's spans join the producer's trace. Without an OpenTelemetry SDK in the process there
// is no active context and nothing is sent.
import { context, createTraceState, trace, type Context } from '@opentelemetry/api';

export interface TraceFields {
  traceparent?: string;
  tracestate?: string;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The active span's context as W3C fields (none without one). */
export function activeTraceFields(): TraceFields {
  const span = trace.getSpanContext(context.active());
  if (!span || !trace.isSpanContextValid(span)) return {};
  const traceparent = `00-${span.traceId}-${span.spanId}-${span.traceFlags.toString(16).padStart(2, '0')}`;
  const tracestate = span.traceState?.serialize();
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** The context a message carries (`traceparent`, `tracestate`), as the parent of what runs in it. */
export function contextOf(fields: TraceFields, base: Context = context.active()): Context {
  const match = fields.traceparent ? TRACEPARENT.exec(fields.traceparent) : null;
  if (!match) return base;
  return trace.setSpanContext(base, {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16) & 1,
    isRemote: true,
    ...(fields.tracestate ? { traceState: createTraceState(fields.tracestate) } : {}),
  });
}

/** Runs `fn` in the context of `fields` (as it is when they carry none). */
export function withTraceOf<T>(fields: TraceFields, fn: () => T): T {
  return context.with(contextOf(fields), fn);
}
