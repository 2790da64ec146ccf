// W3C trace context (SPEC §5): the `traceparent` and `tracestate` a producer sends with prepare,
// send or a batch are stored with its messages and transactions, and sent on to consumers and to
// check-backs. With `@opentelemetry/api` the service also makes its own spans, children of the
// caller's context; they are no-ops until an OpenTelemetry SDK is started in the process, and
// then the headers sent on carry the service's span as the parent.
import {
  context,
  createTraceState,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';

export interface TraceContext {
  traceparent: string;
  tracestate: string | null;
}

/** The trace context a stored row holds (its `traceparent` and `tracestate` columns), or null. */
export const storedTrace = (row: {
  traceparent: string | null;
  tracestate: string | null;
}): TraceContext | null =>
  row.traceparent ? { traceparent: row.traceparent, tracestate: row.tracestate } : null;

/** version 00: trace id, parent span id, flags; neither id all zeros (W3C Trace Context §3.2). */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const MAX_TRACESTATE = 512;

export const tracer = trace.getTracer('txmsg');

/**
 * The trace context of a request's headers, or null when it has none or an invalid one (W3C says
 * to ignore it then, not to refuse the request). `tracestate` is kept only beside a valid parent.
 */
export function traceContextOf(headers: Record<string, unknown>): TraceContext | null {
  const traceparent = headers.traceparent;
  if (typeof traceparent !== 'string' || !parseTraceparent(traceparent.trim())) return null;
  const tracestate = headers.tracestate;
  return {
    traceparent: traceparent.trim(),
    tracestate:
      typeof tracestate === 'string' && tracestate.length > 0 && tracestate.length <= MAX_TRACESTATE
        ? tracestate
        : null,
  };
}

export function parseTraceparent(value: string): SpanContext | null {
  const match = TRACEPARENT.exec(value);
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return null;
  return {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16) & TraceFlags.SAMPLED,
    isRemote: true,
  };
}

/** The OpenTelemetry context whose parent is the stored trace context (the root without one). */
export function contextOf(stored: TraceContext | null): Context {
  const parent = stored && parseTraceparent(stored.traceparent);
  if (!parent) return ROOT_CONTEXT;
  const traceState = stored.tracestate ? createTraceState(stored.tracestate) : undefined;
  return trace.setSpanContext(ROOT_CONTEXT, { ...parent, traceState });
}

/**
 * Headers to send on for `stored`: the span's own context when it records (the consumer's span is
 * then its child), else the stored context as it came.
 */
export function outgoingTraceHeaders(span: Span, stored: TraceContext | null): Record<string, string> {
  const own = span.spanContext();
  if (span.isRecording() && trace.isSpanContextValid(own)) {
    const flags = own.traceFlags.toString(16).padStart(2, '0');
    return {
      traceparent: `00-${own.traceId}-${own.spanId}-${flags}`,
      ...(stored?.tracestate ? { tracestate: stored.tracestate } : {}),
    };
  }
  if (!stored) return {};
  return { traceparent: stored.traceparent, ...(stored.tracestate ? { tracestate: stored.tracestate } : {}) };
}

/**
 * Runs `work` in a span named `name`, a child of `parent` (a stored trace context, or the active
 * context), ending it with the outcome; `work` gets the span to set attributes on.
 */
export async function inSpan<T>(
  name: string,
  options: { kind: SpanKind; parent?: TraceContext | null; attributes?: Record<string, string | number> },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent === undefined ? context.active() : contextOf(options.parent);
  const span = tracer.startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
