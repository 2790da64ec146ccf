import { ApiError } from '../common/errors/api-error';
import { Principal } from './principal';

describe(Principal.name, () => {
  const producer = new Principal('k1', 'orders-producer', 'producer', ['orders'], ['orders-svc'], []);
  const consumer = new Principal('k2', 'orders-reader', 'consumer', [], [], ['readers-*', 'readers']);
  const admin = new Principal('k3', 'ops', 'admin');

  it('lets an admin touch everything', () => {
    expect(() => admin.assertTopic('any')).not.toThrow();
    expect(() => admin.assertProducerGroup('any')).not.toThrow();
    expect(() => admin.assertConsumerGroup('any')).not.toThrow();
  });

  it('limits a producer to its granted topics and producer groups', () => {
    expect(() => producer.assertTopic('orders')).not.toThrow();
    expect(() => producer.assertProducerGroup('orders-svc')).not.toThrow();
    expect(() => producer.assertTopic('payments')).toThrow(ApiError);
    expect(() => producer.assertProducerGroup('payments-svc')).toThrow(/forbidden|may not/);
    expect(() => producer.assertConsumerGroup('readers')).toThrow(ApiError);
  });

  it('limits a consumer to its consumer groups, matching names exactly (no globbing)', () => {
    expect(() => consumer.assertConsumerGroup('readers')).not.toThrow();
    expect(() => consumer.assertConsumerGroup('readers-1')).toThrow(ApiError);
    expect(() => consumer.assertTopic('orders')).toThrow(ApiError);
  });

  it('treats "*" as every name', () => {
    const wide = new Principal('k4', 'wide', 'producer', ['*'], ['*']);
    expect(() => wide.assertTopic('anything')).not.toThrow();
    expect(() => wide.assertProducerGroup('anything')).not.toThrow();
  });

  it('names the producer groups a caller acts for as the grant checks do (null: every group)', () => {
    const operator = new Principal('k5', 'oncall', 'operator', [], ['orders-svc']);
    const wide = new Principal('k4', 'wide', 'producer', [], ['*']);
    expect(admin.actsForProducerGroups).toBeNull();
    expect(wide.actsForProducerGroups).toBeNull();
    expect(producer.actsForProducerGroups).toEqual(['orders-svc']);
    expect(consumer.actsForProducerGroups).toEqual([]);
    expect(operator.actsForProducerGroups).toEqual([]);
    expect(() => operator.assertProducerGroup('orders-svc')).toThrow(ApiError);
  });

  it('labels operator verdicts with the key name', () => {
    expect(admin.operatorLabel).toBe('operator:ops');
  });
});
