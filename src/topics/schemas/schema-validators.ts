// Compiled validators of topic schema versions. A version never changes once stored, so each
// (topic, version, tag) is compiled once per instance and kept: the hot path pays only the
// compiled function's run, microseconds for a common body.
import type { ValidateFunction } from 'ajv';
import { Counter } from 'prom-client';
import { registry } from '../../observability/metrics';
import { newCompiler } from './schema-rules';

export const schemaCompilationsTotal = new Counter({
  name: 'txmsg_schema_compilations_total',
  help: 'Topic schema versions compiled into validators (once per version, tag and instance)',
  registers: [registry],
});

const MAX_VALIDATORS = 10_000;

export class SchemaValidators {
  private readonly compiled = new Map<string, ValidateFunction>();

  validator(topic: string, version: number, tag: string, schema: unknown): ValidateFunction {
    const key = `${topic}\n${version}\n${tag}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      if (this.compiled.size >= MAX_VALIDATORS) this.compiled.clear();
      // Each in a compiler of its own: versions that share an `$id` never meet.
      validate = newCompiler().compile(schema as object);
      schemaCompilationsTotal.inc();
      this.compiled.set(key, validate);
    }
    return validate;
  }
}
