import { Column, Entity, PrimaryColumn } from 'typeorm';

export const API_KEY_ROLES = ['admin', 'producer', 'consumer', 'operator'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

@Entity({ name: 'api_keys' })
export class ApiKey {
  @PrimaryColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') role: ApiKeyRole;
  @Column('text', { name: 'token_hash' }) tokenHash: string;
  @Column('text', { array: true }) topics: string[];
  @Column('text', { name: 'producer_groups', array: true }) producerGroups: string[];
  @Column('text', { name: 'consumer_groups', array: true }) consumerGroups: string[];
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt: Date | null;
}
