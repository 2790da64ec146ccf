// The OpenAPI schema of "any JSON value" (a message body), for request and answer classes alike.
import { ApiProperty } from '@nestjs/swagger';

export const ANY_JSON = {
  oneOf: [
    { type: 'object' as const, additionalProperties: true },
    { type: 'array' as const, items: {} },
    { type: 'string' as const },
    { type: 'number' as const },
    { type: 'boolean' as const },
  ],
  nullable: true,
};

/** A property that holds any JSON value, null included. */
export const ApiAnyJson = (description: string) => ApiProperty({ description, ...ANY_JSON, required: true });

/** A property that holds a string → string map (message headers). */
export const ApiStringMap = (description: string) =>
  ApiProperty({ description, type: 'object', additionalProperties: { type: 'string' } });
