// OpenAPI schemas of open-ended JSON (a message body, a JSON Schema, a header map), for request and
// answer classes alike.
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

/** A property that holds a JSON Schema: an object, or a boolean (`true` accepts everything). */
export const ApiJsonSchema = (description: string) =>
  ApiProperty({ description, oneOf: [{ type: 'object', additionalProperties: true }, { type: 'boolean' }] });
