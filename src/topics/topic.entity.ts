import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'topics' })
export class Topic {
  @PrimaryColumn('text') name: string;
  @Column('text') description: string;
  @Column('integer', { name: 'schema_version', nullable: true }) schemaVersion: number | null;
  @Column('text', { name: 'schema_compatibility' }) schemaCompatibility: 'none' | 'backward';
  @Column('text') durability: 'sync' | 'async';
  @Column('timestamptz', { name: 'created_at' }) createdAt: Date;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
}
