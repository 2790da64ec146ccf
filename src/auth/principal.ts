import { ApiError } from '../common/errors/api-error';
import type { ApiKeyRole } from './api-key.entity';

/** A grant list entry of "*" allows every name. */
const allows = (grants: readonly string[], name: string) => grants.includes('*') || grants.includes(name);

/** Who is calling, and what their token lets them touch (SPEC §3). */
export class Principal {
  constructor(
    readonly id: string,
    readonly name: string,
    readonly role: ApiKeyRole,
    readonly topics: readonly string[] = [],
    readonly producerGroups: readonly string[] = [],
    readonly consumerGroups: readonly string[] = [],
  ) {}

  get isAdmin(): boolean {
    return this.role === 'admin';
  }

  /** How verdicts by this caller are recorded in `resolvedBy`. */
  get operatorLabel(): string {
    return `operator:${this.name}`;
  }

  assertTopic(topic: string): void {
    if (!this.isAdmin && !(this.role === 'producer' && allows(this.topics, topic))) {
      throw ApiError.forbidden(`this token may not publish to topic '${topic}'`);
    }
  }

  assertProducerGroup(group: string): void {
    const grants = this.actsForProducerGroups;
    if (grants !== null && !grants.includes(group)) {
      throw ApiError.forbidden(`this token may not act for producer group '${group}'`);
    }
  }

  /**
   * The producer groups this caller may prepare and decide for, by exact name; null for every
   * group. (A statement that applies verdicts checks the grant itself, with these.)
   */
  get actsForProducerGroups(): readonly string[] | null {
    if (this.isAdmin || (this.role === 'producer' && this.producerGroups.includes('*'))) return null;
    return this.role === 'producer' ? this.producerGroups : [];
  }

  /** Operators read every producer group; a producer reads those it is granted. */
  assertReadProducerGroup(group: string): void {
    if (this.role !== 'operator') this.assertProducerGroup(group);
  }

  /** Operators read every consumer group; a consumer reads those it is granted. */
  assertReadConsumerGroup(group: string): void {
    if (this.role !== 'operator') this.assertConsumerGroup(group);
  }

  assertConsumerGroup(group: string): void {
    if (!this.isAdmin && !(this.role === 'consumer' && allows(this.consumerGroups, group))) {
      throw ApiError.forbidden(`this token may not consume for consumer group '${group}'`);
    }
  }
}
