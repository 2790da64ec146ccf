import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

/** Documents the W3C trace context headers a route takes (SPEC §5); an invalid one is ignored. */
export const AcceptsTraceContext = () =>
  applyDecorators(
    ApiHeader({
      name: 'traceparent',
      required: false,
      description: 'W3C trace context: stored with the messages and sent on to consumers and check-backs',
    }),
    ApiHeader({
      name: 'tracestate',
      required: false,
      description: 'W3C trace state, kept beside traceparent',
    }),
  );
